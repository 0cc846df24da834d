"""A tiny two-file corpus in the seed notes' markdown format, for fast index tests."""

LORA_DOC = """# 微调笔记

## 1、什么是 LoRA？

LoRA 是一种参数高效微调方法。
1. 冻结预训练权重，在旁边加入低秩分解矩阵 A 和 B。
2. 只训练低秩矩阵，显存占用和存储开销都很小。
3. 推理时可以把低秩增量合并回原权重，不增加延迟。

## 2、什么是 KV Cache？

KV Cache 缓存已经计算过的 Key 和 Value 向量。
1. 自回归解码时避免对历史 token 重复计算注意力。
2. 代价是显存随序列长度线性增长。
"""

RAG_DOC = """# 检索增强

## 1、什么是 RAG（检索增强生成）？

RAG 先从外部知识库检索相关文档，再把文档作为上下文交给大模型生成答案。
1. 可以减少幻觉，让回答有据可查。
2. 知识更新只需要更新知识库，不需要重新训练模型。
"""
