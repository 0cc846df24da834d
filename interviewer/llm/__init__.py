"""The LLM edge: a narrow ChatModel protocol, its OpenAI-compatible adapter, and the LLM grader/phraser.

Nothing here imports LangChain at module import; `openai_chat` does it on first use.
"""

from interviewer.llm.chat import ChatModel, ScriptedChatModel

__all__ = ["ChatModel", "ScriptedChatModel"]
