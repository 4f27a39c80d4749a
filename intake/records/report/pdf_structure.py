"""One structure tree for the joined PDF, so the consolidated report stays a tagged PDF.

Each part Typst lays out is tagged: a StructTreeRoot whose Document element holds the part's
headings, paragraphs, lists and tables, and a parent tree that maps each page's marked content
back to those elements. Copying pages does not copy that tree, so a joined file would be
untagged. Here each part's tree is copied after its pages (qpdf then maps its references onto
the pages and annotations already copied), its elements are put under one Document element in
part order, and each part's parent-tree keys are shifted past those of the parts before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class StructureJoiner:
    """Collects the parts' structure trees into one, part by part, for the joined file."""

    def __init__(self, out: Any) -> None:
        import pikepdf

        self.out = out
        self.document = out.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document)
        )
        self.kids: list[Any] = []
        self.nums: list[Any] = []
        self.role_map: dict[str, Any] = {}
        self.next_key = 0

    def add(self, source: Any, first_page: int) -> None:
        """The part `source`, whose pages were appended to the joined file from first_page."""
        if "/StructTreeRoot" not in source.Root:
            return
        tree = self.out.copy_foreign(source.Root.StructTreeRoot)
        for key, value in tree.get("/RoleMap", {}).items():
            self.role_map.setdefault(key, value)
        for element in top_elements(tree):
            element.P = self.document
            self.kids.append(element)
        offset, keys = self.next_key, 0
        for key, value in number_tree(tree.get("/ParentTree")):
            self.nums += [key + offset, value]
            keys = max(keys, key + 1)
        pages = self.out.pages[first_page : first_page + len(source.pages)]
        shift_parent_keys(pages, offset)
        self.next_key += max(keys, int(tree.get("/ParentTreeNextKey", 0)))

    def finish(self) -> None:
        """Put the joined tree into the file's catalog, and mark the file as tagged."""
        import pikepdf

        root = self.out.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructTreeRoot,
                K=pikepdf.Array([self.document]),
                ParentTree=self.out.make_indirect(pikepdf.Dictionary(Nums=self.nums)),
                ParentTreeNextKey=self.next_key,
            )
        )
        if self.role_map:
            root.RoleMap = pikepdf.Dictionary(self.role_map)
        self.document.P = root
        self.document.K = pikepdf.Array(self.kids)
        self.out.Root.StructTreeRoot = root
        self.out.Root.MarkInfo = pikepdf.Dictionary(Marked=True)


def top_elements(tree: Any) -> Iterator[Any]:
    """The part's elements below its Document element (a part is a piece of one document)."""
    import pikepdf

    kids = tree.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if kid.get("/S") == "/Document":
            inner = kid.get("/K", pikepdf.Array())
            yield from inner if isinstance(inner, pikepdf.Array) else [inner]
        else:
            yield kid


def number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    """The (key, value) pairs of a PDF number tree, leaves and intermediate nodes alike."""
    if node is None:
        return
    nums = node.get("/Nums", [])
    for index in range(0, len(nums), 2):
        yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids", []):
        yield from number_tree(kid)


def shift_parent_keys(pages: Any, offset: int) -> None:
    """Pages and annotations find their elements by parent-tree key: shift them with the tree."""
    if not offset:
        return
    for page in pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
