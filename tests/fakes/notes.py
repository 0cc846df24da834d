"""Small notes in each of the five seed formats, on subjects the seed bank never touches (databases,
distributed systems, networking, caching, search), so a question or reference from elsewhere stands out."""

MD_HEADINGS = """# 数据库笔记

## 1、什么是 B+ 树？

B+ 树是一种多路平衡查找树，常用于数据库索引。
1. 所有数据都存放在叶子节点，内部节点只存键。
2. 叶子节点用链表相连，范围查询很快。

## 2、什么是 MVCC？

MVCC（多版本并发控制）为每行数据保留多个版本。
1. 读操作读取快照，不阻塞写操作。
2. 通过事务 ID 判断版本是否可见。
"""

Q_BLOCKS = """# 分布式系统面试题小结

**Q1：Raft 协议如何选举领导者？**

节点在选举超时后成为候选人，向其他节点请求投票，获得多数票即成为领导者。

**Q2：什么是 CAP 定理？**

分布式系统在网络分区时，只能在一致性和可用性之间二选一。
"""

FIELD_LIST = """# 网络面试问题清单

1. **问题:** TCP 为什么需要三次握手？
   **答案要点:** 双方确认彼此的发送和接收能力；同步初始序列号；防止历史连接请求造成错误。
   **可能追问:**
   - **挥手:** 为什么断开连接需要四次挥手？

2. **问题:** HTTP/2 相比 HTTP/1.1 有哪些改进？
   **答案要点:** 多路复用；头部压缩；服务器推送。
""".replace("\n", "  \n")

PLAIN_NOTES = """缓存系统常见面试题

缓存

面试题 1：什么是缓存穿透？

解答：查询一个一定不存在的数据，请求每次都穿过缓存打到数据库，可以用布隆过滤器或缓存空值解决。

面试题 2：什么是缓存雪崩？

解答：大量缓存同时失效导致数据库压力骤增，可以给过期时间加随机值。
"""

MD_FIFTY = """# 搜索引擎面试精讲

## 第一部分：索引

### 1. 什么是倒排索引？

**回答：**
倒排索引记录每个词出现在哪些文档中。

**要点：**
1.  **词典**：保存所有词项。
2.  **倒排列表**：保存包含该词的文档 ID。

### 2. 什么是跳表？

**回答：**
跳表是在有序链表上加多级索引的数据结构，查找复杂度为 O(log n)。
"""

# file name -> (text, the questions it holds)
NOTES: dict[str, tuple[str, list[str]]] = {
    "db.md": (MD_HEADINGS, ["什么是 B+ 树？", "什么是 MVCC？"]),
    "distributed.md": (Q_BLOCKS, ["Raft 协议如何选举领导者？", "什么是 CAP 定理？"]),
    "network.md": (FIELD_LIST, ["TCP 为什么需要三次握手？", "HTTP/2 相比 HTTP/1.1 有哪些改进？"]),
    "cache.txt": (PLAIN_NOTES, ["什么是缓存穿透？", "什么是缓存雪崩？"]),
    "search.markdown": (MD_FIFTY, ["什么是倒排索引？", "什么是跳表？"]),
}
