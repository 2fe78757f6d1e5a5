"""The relations documents declare to each other, as nqbot reads them, over folders of texts.

    .venv/bin/python scripts/relations_report.py ../shared/corpus/party ../shared/corpus/legal [--list party]

Prints, per folder, how many relations of each kind were found, how many targets are documents of the folders
themselves (resolved by identity, as the library resolves them), and, for the folders named by ``--list``,
every relation with its target and stating sentence.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from documents.identity import identity_keys, parse_identity  # noqa: E402
from documents.relations import RelationKind, find_relations  # noqa: E402
from documents.text import nfc  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--list", action="append", default=[], help="folder name whose relations to list")
    args = parser.parse_args()
    texts = {path: nfc(path.read_text(encoding="utf-8")) for folder in args.folders
             for path in sorted(folder.glob("*.txt"))}
    identities = {path: parse_identity(text, path.name) for path, text in texts.items()}
    owners: dict[str, set[str]] = {}
    for identity in identities.values():
        for key in identity_keys(identity):
            owners.setdefault(key, set()).add(identity.number or "")
    for folder in args.folders:
        kinds: Counter[str] = Counter()
        resolved = 0
        listing: list[str] = []
        paths = [p for p in texts if p.parent == folder]
        for path in paths:
            for relation in find_relations(texts[path], identities[path]):
                kinds[relation.kind] += 1
                targets = owners.get(relation.target_key, set())
                resolved += len(targets) == 1
                if folder.name in args.list:
                    sentence = " ".join(texts[path][relation.start:relation.end].split())[:110]
                    target = next(iter(targets)) if len(targets) == 1 else "not in the folders"
                    listing.append(f"  {identities[path].number}  {relation.kind:9}  {relation.target_text}"
                                   f"  [{target}]  «{sentence}»")
        counts = ", ".join(f"{kind}: {kinds[kind]}" for kind in RelationKind)
        print(f"{folder} — {len(paths)} texts, {sum(kinds.values())} relations ({counts}); "
              f"{resolved} resolve to a text of these folders")
        print("\n".join(listing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
