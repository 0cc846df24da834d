"""Prompt templates: one file per step in `prompts/`, versioned by name (`grade_v1.md` -> "grade_v1").

Syntax: `${name}` placeholders (`string.Template`); `$$` is a literal dollar sign. `$` was chosen over
`{name}` because the templates contain JSON examples full of braces.

Rendering is strict: a missing variable, an unused extra variable or a malformed placeholder raises
`PromptError`. Every value is data: any tag the template uses as a delimiter (`<candidate_answer>` …)
is escaped inside the values, so inserted text can never close its delimiter and pose as instructions.

Optional structure in the file: `<!-- system -->` and `<!-- user -->` marker lines split it into chat
messages (`Prompt.messages`); any other `<!-- … -->` comment is documentation and is not rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

ROLE_MARKER = re.compile(r"^[ \t]*<!--\s*(system|user|assistant)\s*-->[ \t]*\n?", re.MULTILINE)
COMMENT = re.compile(r"<!--(?!\s*(?:system|user|assistant)\s*-->).*?-->\n?", re.DOTALL)
# The tags a template uses (`<candidate_answer>` …): inserted values may not contain them.
TEMPLATE_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9_\-]*)>")


class PromptError(ValueError):
    """A template cannot be loaded or rendered (a bug in the caller or the template, not user input)."""


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str  # the template, documentation comments removed
    variables: frozenset[str] = field(default_factory=frozenset)
    delimiters: frozenset[str] = field(default_factory=frozenset)

    @property
    def version(self) -> str:
        return self.name

    def render(self, **values: object) -> str:
        """The whole template with every placeholder filled (role markers removed)."""
        return ROLE_MARKER.sub("", self._fill(values)).strip() + "\n"

    def messages(self, **values: object) -> list[dict[str, str]]:
        """Chat messages split on the role markers; no markers: one user message."""
        filled = self._fill(values)
        parts = ROLE_MARKER.split(filled)
        messages = [{"role": "user", "content": parts[0].strip()}] if parts[0].strip() else []
        for role, content in zip(parts[1::2], parts[2::2], strict=True):
            if content.strip():
                messages.append({"role": role, "content": content.strip()})
        return messages

    def _fill(self, values: dict[str, object]) -> str:
        missing = sorted(self.variables - values.keys())
        extra = sorted(values.keys() - self.variables)
        if missing or extra:
            problems = []
            if missing:
                problems.append(f"missing {', '.join(missing)}")
            if extra:
                problems.append(f"unexpected {', '.join(extra)}")
            raise PromptError(f"prompt {self.name}: {'; '.join(problems)}")
        safe = {key: escape_delimiters(str(value), self.delimiters) for key, value in values.items()}
        return Template(self.text).substitute(safe)


def escape_delimiters(text: str, tags: frozenset[str] | set[str]) -> str:
    """Neutralise `<tag>`/`</tag>` (any case, spaces, fullwidth brackets) for each delimiter tag."""
    if not tags:
        return text
    names = "|".join(re.escape(tag) for tag in sorted(tags, key=len, reverse=True))
    pattern = re.compile(rf"[<＜﹤]\s*(/?)\s*({names})\s*[>＞﹥]", re.IGNORECASE)
    return pattern.sub(lambda m: f"&lt;{m.group(1)}{m.group(2)}&gt;", text)


def parse_prompt(name: str, source: str) -> Prompt:
    text = COMMENT.sub("", source)
    template = Template(text)
    if not template.is_valid():
        raise PromptError(f"prompt {name}: malformed placeholder (use ${{name}}, or $$ for a dollar sign)")
    return Prompt(
        name=name,
        text=text,
        variables=frozenset(template.get_identifiers()),
        delimiters=frozenset(TEMPLATE_TAG.findall(text)),
    )


def load_prompt(name: str, prompts_dir: Path) -> Prompt:
    """Load `prompts_dir/<name>.md` (or `<name>` if it has a suffix)."""
    path = prompts_dir / (name if Path(name).suffix else f"{name}.md")
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"prompt {name}: cannot read {path}: {exc.strerror or exc}") from exc
    return parse_prompt(path.stem, source)
