"""One partner's flow through a client generated from Keiro's /openapi.json (issue 11).

CI generates `keiro_client` with openapi-python-client, checks it and this script with
`mypy --strict`, and runs the script against a demo server:

    python partner_flow.py http://127.0.0.1:18399 kt_...

It pages through the partner's customers, orders with an Idempotency-Key and retries the order
(the retry must replay the first answer), changes the quantity with If-Match, and gets a stale
If-Match back as a typed problem (412 precondition_failed). Any other outcome exits non-zero.
"""

from __future__ import annotations

import sys
import uuid

from keiro_client import AuthenticatedClient
from keiro_client.api.catalog import list_offers
from keiro_client.api.customers import list_customers
from keiro_client.api.orders import create_order, get_subscription, set_quantity
from keiro_client.models import (
    CreateOrder,
    Customer,
    Offer,
    Order,
    OrderLine,
    Problem,
    SetQuantity,
    Subscription,
)
from keiro_client.types import UNSET, Unset


def fail(message: str) -> None:
    print(f"partner flow: {message}", file=sys.stderr)
    sys.exit(1)


def all_customers(client: AuthenticatedClient) -> list[Customer]:
    """Every customer, one page of one at a time, following next_cursor to the end."""
    found: list[Customer] = []
    cursor: str | Unset = UNSET
    for _ in range(1000):
        page = list_customers.sync(client=client, limit=1, cursor=cursor)
        if isinstance(page, Problem) or page is None:
            fail(f"listing customers: {page}")
            raise AssertionError
        found.extend(page.items)
        if not isinstance(page.next_cursor, str):
            return found
        cursor = page.next_cursor
    fail("the customer list never ends")
    raise AssertionError


def main(base_url: str, token: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
    customers = all_customers(client)
    if len(customers) < 2:
        fail(f"expected several customers, paged one at a time; got {len(customers)}")
    order: Order | None = None
    for customer in customers:
        offers = list_offers.sync(client=client, customer=customer.id, limit=50)
        if isinstance(offers, Problem) or offers is None:
            continue
        base: list[Offer] = [o for o in offers.items if not isinstance(o.prerequisite_offer_id, str)]
        if not base:
            continue
        offer = base[0]
        body = CreateOrder(lines=[OrderLine(offer_id=offer.id, quantity=offer.min_quantity)])
        key = f"partner-flow-{uuid.uuid4()}"
        first = create_order.sync_detailed(customer.id, client=client, body=body, idempotency_key=key)
        again = create_order.sync_detailed(customer.id, client=client, body=body, idempotency_key=key)
        if first.status_code != 201 or not isinstance(first.parsed, Order):
            fail(f"ordering for {customer.legal_name}: {first.status_code} {first.parsed}")
        if again.status_code != 200 or again.headers.get("idempotent-replayed") != "true":
            fail(f"the retried order was not replayed: {again.status_code}")
        if not isinstance(first.parsed, Order) or not isinstance(again.parsed, Order):
            fail("an order answer is not an Order")
            raise AssertionError
        if [s.id for s in again.parsed.subscriptions] != [s.id for s in first.parsed.subscriptions]:
            fail("the retry answered other subscriptions: it bought twice")
        order = first.parsed
        quantity = offer.min_quantity + 1 if offer.min_quantity < offer.max_quantity else offer.min_quantity - 1
        break
    if order is None:
        fail("no customer with an offer to order")
        raise AssertionError
    sub_id = order.subscriptions[0].id
    read = get_subscription.sync_detailed(sub_id, client=client)
    etag = read.headers.get("etag")
    if read.status_code != 200 or not isinstance(read.parsed, Subscription) or etag is None:
        fail(f"reading the subscription: {read.status_code}, ETag {etag}")
        raise AssertionError
    changed = set_quantity.sync_detailed(sub_id, client=client, body=SetQuantity(quantity=quantity), if_match=etag)
    if changed.status_code != 200 or not isinstance(changed.parsed, Subscription):
        fail(f"changing the quantity with If-Match: {changed.status_code} {changed.parsed}")
        raise AssertionError
    if changed.parsed.quantity != quantity or changed.headers.get("etag") == etag:
        fail("the quantity or the ETag did not change")
    stale = set_quantity.sync_detailed(sub_id, client=client, body=SetQuantity(quantity=quantity + 1), if_match=etag)
    if stale.status_code != 412 or not isinstance(stale.parsed, Problem):
        fail(f"a stale If-Match was not a typed 412 problem: {stale.status_code} {stale.parsed}")
        raise AssertionError
    if stale.parsed.code != "precondition_failed":
        fail(f"the stale If-Match problem has code {stale.parsed.code}")
    print(
        f"partner flow: {len(customers)} customers paged one at a time; order replayed once; "
        f"quantity {quantity} with If-Match; stale If-Match answered 412 {stale.parsed.code}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail("usage: partner_flow.py BASE_URL TOKEN")
    main(sys.argv[1], sys.argv[2])
