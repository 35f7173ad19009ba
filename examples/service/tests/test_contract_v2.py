"""v2 must serve exactly snapshots/v2/openapi.json until its next deliberate snapshot."""


def test_v2_contract(frozen_contract):
    frozen_contract("v2")
