@auth
Feature: The API server sees exactly the caller's identity
  The provider forwards the call's credential unchanged: a token as one
  "Authorization: Bearer <token>", a client certificate in the TLS handshake.
  The audit log of the API server is the oracle.

  @AH-AUTH-1 @AH-SRC-1 @AH-SEC-1
  Scenario: A token identity reaches the API server as itself
    Given a token identity alice on cluster A
    And an MCP session
    When alice calls "namespaces_list"
    Then the call succeeds
    And the audit log of cluster A shows alice making a successful request
    And no minted credential appears in the result

  @AH-AUTH-2 @AH-SRC-1 @AH-SEC-1
  Scenario: A client-certificate identity reaches the API server as itself
    Given a client-certificate identity carol on cluster A
    And an MCP session
    When carol calls "pods_list_in_namespace"
    Then the call succeeds
    And the audit log of cluster A shows carol making a successful request
    And no minted credential appears in the result

  @AH-AUTH-3 @AH-ERR-1 @AH-SEC-1
  Scenario: An expired token is unauthorized
    Given an expired token identity eve on cluster A
    And an MCP session
    When eve calls "namespaces_list"
    Then the call fails with "unauthorized"
    And the audit log of cluster A shows no successful request from eve
    And no minted credential appears in the result

  @AH-AUTH-3 @AH-ERR-1
  Scenario: A revoked token is unauthorized
    Given a revoked token identity eve on cluster A
    And an MCP session
    When eve calls "namespaces_list"
    Then the call fails with "unauthorized"
    And the audit log of cluster A shows no successful request from eve

  @AH-AUTH-2 @AH-AUTH-3 @AH-ERR-1 @AH-SEC-1
  Scenario: An expired client certificate is unauthorized
    Given an expired client-certificate identity eve on cluster A
    And an MCP session
    When eve calls "namespaces_list"
    Then the call fails with "unauthorized"
    And the audit log of cluster A shows no successful request from eve
    And no minted credential appears in the result

  @AH-AUTH-2 @AH-AUTH-3 @AH-ERR-1
  Scenario: A client certificate from a foreign CA is unauthorized
    Given a client-certificate identity eve signed by a foreign CA for cluster A
    And an MCP session
    When eve calls "namespaces_list"
    Then the call fails with "unauthorized"
    And the audit log of cluster A shows no successful request from eve

  @AH-AUTH-3 @AH-CONN-2 @AH-ERR-1 @AH-SEC-1
  Scenario: A token of another cluster is unauthorized and never used elsewhere
    Given a token identity bob on cluster B
    And a token identity alice on cluster A
    And an MCP session
    When bob calls "namespaces_list" with these header changes:
      | kubernetes-server                     | <A.server> |
      | kubernetes-certificate-authority-data | <A.ca>     |
    Then the call fails with "unauthorized"
    And the audit log of cluster B shows no request from bob
    And no minted credential appears in the result

  @AH-AUTH-3 @AH-ERR-1
  Scenario: Reading a ConfigMap the identity may not read is forbidden, without retry
    Given a token identity alice on cluster A
    And an MCP session
    When alice reads the ConfigMap "forbidden-plans" in namespace "<A.forbidden-namespace>"
    Then the call fails with "forbidden"
    And the audit log of cluster A shows alice forbidden exactly once

  @AH-AUTH-1 @AH-LIFE-3
  Scenario Outline: Every required tool works with a token identity (<tool>)
    Given a token identity alice on cluster A
    And an MCP session
    When alice calls "<tool>"
    Then the call succeeds
    And the audit log of cluster A shows alice making a successful request

    Examples:
      | tool                   |
      | namespaces_list        |
      | pods_list              |
      | pods_list_in_namespace |
      | pods_get               |
      | resources_list         |
      | resources_get          |
      | events_list            |
