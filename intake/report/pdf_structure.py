"""One structure tree for the joined PDF, so the consolidated report stays a tagged PDF.

Each part Typst lays out is tagged: a StructTreeRoot whose Document element holds the part's
headings, paragraphs, lists and tables, and a parent tree that maps each page's marked content
back to those elements. pypdf copies pages but not that tree, so a joined file would be
untagged. Here each part's tree is copied after its pages (pypdf then reuses the copied pages
and annotations), its elements are put under one Document element in part order, and the
parent-tree keys of each part are shifted past those of the parts before it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def join_structure(writer: Any, readers: Sequence[Any]) -> None:
    """Give writer (all readers' pages appended, in order) one tree made of the readers'."""
    from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, NameObject

    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    document = DictionaryObject(
        {NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document")}
    )
    root_ref, document_ref = writer._add_object(root), writer._add_object(document)
    document[NameObject("/P")] = root_ref
    kids, nums, role_map = ArrayObject(), ArrayObject(), DictionaryObject()
    offset = first_page = 0
    for reader in readers:
        pages = writer.pages[first_page : first_page + len(reader.pages)]
        first_page += len(reader.pages)
        tree = reader.root_object.get("/StructTreeRoot")
        if tree is None:
            continue
        copied = tree.indirect_reference.clone(writer).get_object()
        for key, value in copied.get("/RoleMap", DictionaryObject()).items():
            role_map.setdefault(key, value)
        for element in top_elements(copied):
            element.get_object()[NameObject("/P")] = document_ref
            kids.append(element)
        keys = 0
        for key, value in number_tree(copied.get("/ParentTree")):
            nums += [_number(key + offset), value]
            keys = max(keys, key + 1)
        shift_parent_keys(pages, reader.pages, offset)
        offset += max(keys, int(copied.get("/ParentTreeNextKey", 0)))
    document[NameObject("/K")] = kids
    root[NameObject("/K")] = ArrayObject([document_ref])
    root[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject({NameObject("/Nums"): nums})
    )
    root[NameObject("/ParentTreeNextKey")] = _number(offset)
    if role_map:
        root[NameObject("/RoleMap")] = role_map
    writer.root_object[NameObject("/StructTreeRoot")] = root_ref
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )


def top_elements(tree: Any) -> Iterator[Any]:
    """The part's elements below its Document element (a part is a piece of one document)."""
    kids = tree.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        element = kid.get_object()
        if element.get("/S") == "/Document":
            inner = element.get("/K", [])
            yield from inner if isinstance(inner, list) else [inner]
        else:
            yield kid


def number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    """The (key, value) pairs of a PDF number tree, leaves and intermediate nodes alike."""
    if node is None:
        return
    node = node.get_object()
    nums = node.get("/Nums", [])
    for index in range(0, len(nums), 2):
        yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids", []):
        yield from number_tree(kid)


def shift_parent_keys(pages: Sequence[Any], originals: Sequence[Any], offset: int) -> None:
    """Pages and annotations find their elements by parent-tree key: shift them with the tree.
    A page's key comes from the part's own page, as pypdf leaves it out of the copy."""
    from pypdf.generic import NameObject

    for page, original in zip(pages, originals, strict=True):
        if "/StructParents" in original:
            page[NameObject("/StructParents")] = _number(int(original["/StructParents"]) + offset)
        if not offset:
            continue
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if "/StructParent" in annotation:
                key = int(annotation["/StructParent"]) + offset
                annotation[NameObject("/StructParent")] = _number(key)


def _number(value: int) -> Any:
    from pypdf.generic import NumberObject

    return NumberObject(value)
