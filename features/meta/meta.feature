@meta
Feature: Credentials in the tool call's _meta
  When _meta holds any kubernetes-* key it is the only source of the call's
  cluster tuple: never merged with headers, never a reason to fall back.

  Background:
    Given a token identity alice on cluster A
    And a token identity bob on cluster B
    And an MCP session

  @AH-SRC-1
  Scenario: Credentials only in _meta are used
    When alice calls "namespaces_list" with its credentials only in _meta
    Then the call succeeds
    And the audit log of cluster A shows alice making a successful request

  @AH-SRC-1 @AH-SRC-2
  Scenario: _meta wins over the HTTP headers
    When bob reads the cluster identity with its credentials in _meta and the headers of alice
    Then the result comes from cluster B
    And the audit log of cluster A shows no request from alice
    And the audit log of cluster B shows bob making a successful request

  @AH-SRC-2 @AH-ERR-1 @AH-ERR-2
  Scenario Outline: Partial _meta is an error, never filled from headers (<key>)
    When alice calls "namespaces_list" with _meta lacking "<key>" while the headers of alice are sent
    Then the call fails with "missing-header" naming "<key>"
    And the audit log of cluster A shows no request from alice

    Examples:
      | key                                   |
      | kubernetes-server                     |
      | kubernetes-certificate-authority-data |
      | kubernetes-authorization              |

  @AH-SRC-6 @AH-SRC-2 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario Outline: A non-string _meta value is invalid and names the key (<key> = <json>)
    Given a client-certificate identity carol on cluster A
    When <who> calls "namespaces_list" with the _meta key "<key>" set to the JSON value '<json>'
    Then the call fails with "invalid-header" naming "<key>" [AH-SRC-6]
    And the audit log of cluster A shows no request from <who> [AH-SRC-2]
    And the target still serves <who>

    Examples:
      | who   | key                                   | json                |
      | alice | kubernetes-server                     | 42                  |
      | alice | kubernetes-server                     | ["https://x"]       |
      | alice | kubernetes-server                     | {"url":"https://x"} |
      | alice | kubernetes-server                     | null                |
      | alice | kubernetes-certificate-authority-data | ["x"]               |
      | alice | kubernetes-authorization              | 42                  |
      | alice | kubernetes-insecure-skip-tls-verify   | true                |
      | alice | kubernetes-insecure-skip-tls-verify   | false               |
      | carol | kubernetes-client-certificate-data    | {}                  |
      | carol | kubernetes-client-key-data            | 7                   |

  @AH-SRC-6 @AH-HDR-8 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario Outline: Two _meta keys that differ only in case are a duplicate (<twin>)
    When alice calls "namespaces_list" with the _meta key "<key>" also sent as "<twin>" with the value "<value>"
    Then the call fails with "invalid-header" naming "<key>"
    And the audit log of cluster A shows no request from alice
    And the target still serves alice

    Examples:
      | key                      | twin                     | value                 |
      | kubernetes-server        | Kubernetes-Server        | <A.server>            |
      | kubernetes-authorization | KUBERNETES-AUTHORIZATION | <alice.authorization> |

  @AH-SRC-6 @AH-HDR-8 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario Outline: A _meta key written twice in the JSON text is a duplicate (<key>)
    When alice calls "namespaces_list" with its credentials in _meta, the key "<key>" written twice in the JSON text
    Then the call fails with "invalid-header" naming "<key>"
    And the audit log of cluster A shows no request from alice
    And the target still serves alice

    Examples:
      | key                      |
      | kubernetes-authorization |
      | kubernetes-server        |

  @AH-SRC-6 @AH-ERR-1 @AH-ERR-2
  Scenario: A _meta key spelled with a look-alike letter is not a kubernetes key
    When alice calls "namespaces_list" with its credentials in _meta, the key "kubernetes-authorization" spelled with a Kelvin sign
    Then the call fails with "missing-header" naming "kubernetes-authorization"
    And the audit log of cluster A shows no request from alice

  @AH-SRC-1 @AH-SRC-3 @AH-ORIGIN-3
  Scenario: _meta switches clusters while the HTTP headers stay on A
    When alice reads the cluster identity
    Then the result comes from cluster A
    When bob reads the cluster identity with its credentials in _meta and the headers of alice
    Then the result comes from cluster B
    When alice reads the cluster identity
    Then the result comes from cluster A

  @AH-SRC-5 @stdio
  Scenario: Over stdio, _meta carries the credentials
    Given a stdio session
    When alice reads the cluster identity
    Then the result comes from cluster A
    When bob reads the cluster identity
    Then the result comes from cluster B

  @AH-SRC-5 @AH-SRC-4 @stdio
  Scenario: Over stdio, a call without _meta fails
    Given a stdio session
    When "namespaces_list" is called without cluster headers
    Then the call fails with "missing-header"
