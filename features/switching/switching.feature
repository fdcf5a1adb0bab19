@switching
Feature: One session serves many clusters and identities, without cross-talk
  Every call names its own cluster tuple. Nothing of an earlier call, of
  initialize, or of the session is reused.

  Background:
    Given a token identity alice on cluster A
    And a token identity bob on cluster B

  @AH-LIFE-4 @AH-SRC-3 @AH-CONN-2 @AH-ORIGIN-3
  Scenario: A stateful session switches from A to B and back to A
    Given an MCP session
    When alice reads the cluster identity
    Then the result comes from cluster A
    When bob reads the cluster identity
    Then the result comes from cluster B
    When alice reads the cluster identity
    Then the result comes from cluster A
    And the audit log of cluster B shows no request from alice
    And the audit log of cluster A shows no request from bob

  @AH-LIFE-4 @AH-SRC-3 @AH-CONN-2 @stateless
  Scenario: A stateless provider switches from A to B and back to A
    Given the target is started stateless
    And an MCP session
    When alice reads the cluster identity
    Then the result comes from cluster A
    When bob reads the cluster identity
    Then the result comes from cluster B
    When alice reads the cluster identity
    Then the result comes from cluster A

  @AH-CONN-1 @AH-CONN-2 @AH-SRC-3
  Scenario: Two identities on the same cluster are kept apart
    Given a token identity alice2 on cluster A
    And an MCP session
    When alice reads the cluster identity
    Then the audit log of cluster A shows alice making a successful request
    When alice2 reads the cluster identity
    Then the result comes from cluster A
    And the audit log of cluster A shows alice2 making a successful request

  @AH-CONN-1 @AH-SRC-3
  Scenario: A token call then a client-certificate call on the same cluster use each credential
    Given a client-certificate identity carol on cluster A
    And an MCP session
    When alice calls "namespaces_list"
    Then the call succeeds
    When carol calls "namespaces_list"
    Then the call succeeds
    And the audit log of cluster A shows alice making a successful request
    And the audit log of cluster A shows carol making a successful request

  @AH-CONN-2 @AH-CONN-1
  Scenario: 50 concurrent interleaved calls across clusters and identities show zero cross-talk
    Given a client-certificate identity carol on cluster A
    And a client-certificate identity dan on cluster B
    And an MCP session
    When 50 concurrent calls read the cluster identity, interleaving alice, bob, carol and dan
    Then every result comes from the cluster of its identity
    And the audit logs show every identity only on its own cluster, as itself

  @AH-CONN-3 @AH-SRC-3 @AH-ERR-1
  Scenario: After a successful call, bad credentials for the same server fail
    Given an MCP session
    When alice calls "namespaces_list"
    Then the call succeeds
    When alice calls "namespaces_list" with the header "kubernetes-authorization" set to "Bearer not-a-valid-token-0123456789"
    Then the call fails with "unauthorized"

  @AH-CONN-1 @AH-TLS-1 @AH-ERR-1
  Scenario: After a successful call, the same credential with a CA that did not sign the server fails
    Given an MCP session
    When alice calls "namespaces_list"
    Then the call succeeds
    When alice calls "namespaces_list" with the header "kubernetes-certificate-authority-data" set to "<oracle.ca>"
    Then the call fails with "tls-verification-failed" unless a fresh identity's identical call succeeds too

  @AH-CONN-3 @AH-SRC-3 @AH-ERR-1
  Scenario: After a successful call, a call without credentials for the same server fails
    Given an MCP session
    When alice calls "namespaces_list"
    Then the call succeeds
    When alice calls "namespaces_list" without the header "kubernetes-authorization"
    Then the call fails with "missing-header"

  @AH-SRC-3 @AH-LIFE-2 @AH-ERR-1
  Scenario: Credentials sent with initialize are not remembered
    Given alice's headers were sent with initialize
    When "namespaces_list" is called without cluster headers
    Then the call fails with "missing-header"
    And the audit log of cluster A shows no request from alice
