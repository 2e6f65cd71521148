"""Prints the settings table for the README, or the sample local settings file.

    python scripts/settings_doc.py table     # markdown rows for README.md
    python scripts/settings_doc.py sample    # local.settings.sample.json
    python scripts/settings_doc.py write     # both, written into README.md and the sample

Both come from ``shared.settings.Settings`` so the docs cannot drift from the code; a
unit test checks that README.md and local.settings.sample.json name every setting.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from shared.settings import Settings, setting_names


def rows() -> list[tuple[str, str, str]]:
    out = []
    for name, field in Settings.model_fields.items():
        names = setting_names(name)
        default = field.default
        shown = "" if default is None else str(default)
        desc = (field.description or "").replace("|", "\\|")
        out.append((" or ".join(f"`{n}`" for n in names), shown.replace("|", "\\|"), desc))
    return out


def table() -> str:
    lines = ["| Setting | Default | What it does |", "|---|---|---|"]
    for names, default, desc in rows():
        lines.append(f"| {names} | {f'`{default}`' if default else '(unset)'} | {desc} |")
    return "\n".join(lines)


def sample() -> str:
    values: dict[str, str] = {
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    }
    for name, field in Settings.model_fields.items():
        names = setting_names(name)
        default = field.default
        values[names[0]] = "" if default is None else str(default)
    document = {
        "IsEncrypted": False,
        "Values": values,
        "Host": {"LocalHttpPort": 7071, "CORS": "*"},
    }
    return json.dumps(document, indent=2) + "\n"


def write(root: Path) -> None:
    """Replace the README's settings table and the sample file with what the code says."""
    readme = root / "README.md"
    lines = readme.read_text().split("\n")
    start = lines.index("| Setting | Default | What it does |")
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    lines[start:end] = table().split("\n")
    readme.write_text("\n".join(lines))
    (root / "local.settings.sample.json").write_text(sample())


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "table"
    if what == "write":
        write(Path(__file__).resolve().parent.parent)
    else:
        print(table() if what == "table" else sample(), end="" if what == "sample" else "\n")
