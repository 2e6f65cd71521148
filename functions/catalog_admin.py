"""Admin upsert of a product in the local catalog (``Catalog.Admin``).

``If-Match`` carries the product's ETag the caller last read (the module docstring of
``_http.py`` has the one rule); without it the write still cannot lose a concurrent
update (the store write is conditional), it just wins. The reply's ``ETag`` is the saved
version.
"""

from __future__ import annotations

import azure.functions as func
from pydantic import Field

from functions._http import Call, Reply, endpoint
from shared import bootstrap
from shared.catalog.model import ProductDraft
from shared.security import CATALOG_ADMIN
from shared.wire import RequestModel

bp = func.Blueprint()


class ProductRoute(RequestModel):
    product_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@bp.route(route="products/{productId}", methods=["PUT"], auth_level=func.AuthLevel.FUNCTION)
@endpoint(body=ProductDraft, route=ProductRoute, roles=[CATALOG_ADMIN])
def put_product(call: Call[ProductDraft, None, ProductRoute]) -> Reply:
    saved = (
        bootstrap.registry()
        .catalog()
        .upsert_product(call.route.product_id, call.body, if_match=call.if_match())
    )
    return Reply(200, saved, etag=saved.version)
