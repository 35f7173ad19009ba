"""v1 is frozen: the running app must serve exactly snapshots/v1/openapi.json."""


def test_v1_frozen_contract(frozen_contract):
    frozen_contract("v1")
