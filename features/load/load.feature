@switching @load
Feature: Under load, every call is served with its own cluster and identity
  Thousands of concurrent calls interleave two clusters and eight identities
  (two token and two client-certificate identities per cluster), half of them
  carrying their tuple in HTTP headers and half in params._meta, on one
  session and across several. Each result is checked against the cluster's
  identity ConfigMap, and each identity's request count against
  the audit logs. Zero mismatches are allowed. Slow (about 15 s on 2 cores):
  run with --tags @load.

  @AH-CONN-1 @AH-CONN-2 @AH-LIFE-4 @AH-SRC-1 @AH-SRC-3
  Scenario: 2000 calls at concurrency 64 across 2 clusters and 8 identities show zero cross-talk
    Given 2 token and 2 client-certificate identities on each of clusters A and B
    When 2000 calls at concurrency 64 read the cluster identity, mixing headers and _meta on 4 sessions
    Then every load result names its own cluster and identity
    And the audit logs count exactly each identity's calls on its own cluster and none on the other
