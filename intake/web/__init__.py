"""The coordinators' dashboard on Starlette.

`{x:int}` in a path is registered here, in the package's first lines, because a Route compiles
its pattern from the registry when it is made, and the page modules make theirs on import.
"""

from starlette.convertors import IntegerConvertor, register_url_convertor


class RowId(IntegerConvertor):
    """`{x:int}` in a path: at most 18 digits, so an id always fits the database's integer.

    A longer one matches no route (404) instead of overflowing in the query (500).
    """

    regex = "[0-9]{1,18}"


register_url_convertor("int", RowId())
