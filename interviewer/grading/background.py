"""Fixed texts the offline grader measures answers against: a background of other topics (when the bank
gives none) and talk that fits any question."""

# Other-topic statements: the background when the caller supplies none (embedded once per grader).
DEFAULT_BACKGROUND = (
    "梯度下降沿损失函数的负梯度方向更新参数。", "卷积神经网络通过局部感受野和权值共享提取特征。",
    "哈希表通过哈希函数把键映射到桶中，平均查找复杂度为O(1)。", "TCP 通过三次握手建立连接。",
    "数据库索引通常使用 B+ 树实现。", "进程是资源分配的基本单位，线程是调度的基本单位。",
    "快速排序平均时间复杂度为 O(n log n)。", "正则化通过惩罚模型复杂度来缓解过拟合。",
    "HTTP 是无状态的应用层协议。", "光合作用把光能转化为化学能。", "Python 的 GIL 限制了多线程并行执行字节码。",
    "Dropout randomly zeroes activations during training to reduce overfitting.",
    "A binary search tree keeps smaller keys in the left subtree.", "Docker containers share the host kernel.",
    "Word2vec learns word embeddings from local context windows.", "RAID 1 mirrors data across two disks.",
)


# Talk that fits any question: a sentence closer to one of these than to every key point says nothing
# about this one (filler around a thin answer must earn no length and no topicality).
GENERIC_TALK = (
    "这是一个非常好的问题，值得深入思考。", "这个技术在业界应用非常广泛，效果也很好。",
    "总的来说，这个方法很重要，面试中也经常被问到。", "具体要根据实际业务场景来决定。",
    "这方面有很多研究，我也一直很感兴趣。", "这个设计非常巧妙，大家都在用。",
    "在实际项目中我们也遇到过类似的问题。", "它的优点很多，缺点也有一些，需要权衡。",
    "随着大模型的发展，这个方向会越来越重要。", "我觉得理解这个概念对工作很有帮助。",
    "That is a great question and a very important topic.", "It depends on the use case and the requirements.",
    "This technique is widely used in industry and works well.", "There are pros and cons, so it is a trade-off.",
    "I have always been interested in this area.", "Overall, it is a key concept every engineer should know.",
)
