@headers @fuzz
Feature: Hostile header and _meta values never crash the provider nor leak a secret
  1,000 generated cluster tuples (fast-check, seeded; AHC_FUZZ_SEED replays a
  run): wrong JSON types, huge values, invalid base64 and PEM, unicode and
  control characters, duplicates, odd casing, truncated PEM, mismatched key
  and certificate. Servers are loopback only. Run with --tags @fuzz.

  @AH-HDR-10 @AH-SEC-1 @AH-ERR-1 @AH-ERR-3
  Scenario: 1000 random header and _meta tuples get MCP answers or HTTP 4xx, never a crash or an echoed secret
    Given a fresh target started by the harness
    And a token identity alice on cluster A
    And a client-certificate identity carol on cluster A
    And a client-certificate identity dan on cluster B
    When 1000 random cluster tuples are sent by alice as headers and _meta to the target
    Then every answer was an MCP result with a documented code or an HTTP 4xx, and none echoed a secret
    And the target is still running and a good call of alice succeeds
