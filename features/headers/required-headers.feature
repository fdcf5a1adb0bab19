@headers
Feature: Required headers and their formats are validated before any connection
  Every call names its cluster and credentials in kubernetes-* headers. A call
  that lacks one, or carries a malformed one, fails with a stable error code
  that names the header, and the provider keeps serving.

  Background:
    Given a token identity alice on cluster A
    And a client-certificate identity carol on cluster A
    And an MCP session

  Scenario Outline: A call without <header> is refused
    When alice calls "namespaces_list" without the header "<header>"
    Then the call fails with "missing-header" naming "<header>"
    And no minted credential appears in the result
    And the target still serves alice

    @AH-HDR-1 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
    Examples: server
      | header            |
      | kubernetes-server |

    @AH-HDR-3 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
    Examples: certificate authority
      | header                                |
      | kubernetes-certificate-authority-data |

    @AH-HDR-4 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
    Examples: authorization
      | header                   |
      | kubernetes-authorization |

  @AH-HDR-3 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario: A CA that is not base64 is refused
    When alice calls "namespaces_list" with the header "kubernetes-certificate-authority-data" set to "<not-base64>"
    Then the call fails with "invalid-header" naming "kubernetes-certificate-authority-data"
    And the target still serves alice

  @AH-HDR-3 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario: A CA that is base64 but not PEM is refused
    When alice calls "namespaces_list" with the header "kubernetes-certificate-authority-data" set to "<base64-not-pem>"
    Then the call fails with "invalid-header" naming "kubernetes-certificate-authority-data"
    And the target still serves alice

  @AH-HDR-1 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario Outline: A server URL that is not an absolute https URL is refused (<case>)
    When alice calls "namespaces_list" with the header "kubernetes-server" set to "<value>"
    Then the call fails with "invalid-header" naming "kubernetes-server"
    And the target still serves alice

    Examples:
      | case        | value                              |
      | relative    | /api                               |
      | userinfo    | https://user:pw@127.0.0.1:6443     |
      | query       | https://127.0.0.1:6443/?x=1        |
      | not a URL   | not a url                          |

  @AH-HDR-5 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario: A client key that does not match the certificate is refused
    Given a client-certificate identity dave on cluster A
    When carol calls "namespaces_list" with the header "kubernetes-client-key-data" set to "<dave.key>"
    Then the call fails with "invalid-header" naming "kubernetes-client-key-data"
    And no minted credential appears in the result
    And the target still serves carol

  @AH-HDR-5 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario: A client certificate that is not PEM is refused
    When carol calls "namespaces_list" with the header "kubernetes-client-certificate-data" set to "<base64-not-pem>"
    Then the call fails with "invalid-header" naming "kubernetes-client-certificate-data"
    And the target still serves carol

  @AH-HDR-4 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario: Both authentication methods at once are a conflict
    When carol calls "namespaces_list" with the header "kubernetes-authorization" set to "<alice.authorization>"
    Then the call fails with "conflicting-headers" naming "kubernetes-authorization"
    And no minted credential appears in the result
    And the target still serves carol

  @AH-HDR-4 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario Outline: Half a client certificate pair names the missing half (<missing>)
    When carol calls "namespaces_list" without the header "<missing>"
    Then the call fails with "missing-header" naming "<missing>"
    And the target still serves carol

    Examples:
      | missing                            |
      | kubernetes-client-key-data         |
      | kubernetes-client-certificate-data |

  @AH-HDR-6 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2 @AH-SEC-1
  Scenario Outline: An authorization scheme other than Bearer is refused (<scheme>)
    When alice calls "namespaces_list" with the header "kubernetes-authorization" set to "<scheme> <alice.token>"
    Then the call fails with "invalid-header" naming "kubernetes-authorization"
    And no minted credential appears in the result
    And the target still serves alice

    Examples:
      | scheme |
      | Basic  |
      | Digest |

  @AH-HDR-6 @AH-AUTH-1
  Scenario: A bare token is accepted and reaches the API server as a Bearer token
    When alice calls "namespaces_list" with the header "kubernetes-authorization" set to "<alice.token>"
    Then the call succeeds
    And the audit log of cluster A shows alice making a successful request

  @AH-HDR-6 @AH-AUTH-1
  Scenario: The Bearer scheme is case-insensitive
    When alice calls "namespaces_list" with the header "kubernetes-authorization" set to "bEaReR <alice.token>"
    Then the call succeeds
    And the audit log of cluster A shows alice making a successful request

  @AH-HDR-7 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario Outline: kubernetes-insecure-skip-tls-verify accepts only true or false (<value>)
    When alice calls "namespaces_list" with the header "kubernetes-insecure-skip-tls-verify" set to "<value>"
    Then the call fails with "invalid-header" naming "kubernetes-insecure-skip-tls-verify"
    And the target still serves alice

    Examples:
      | value |
      | yes   |
      | 1     |

  @AH-HDR-7
  Scenario: kubernetes-insecure-skip-tls-verify false is the normal, verified mode
    When alice calls "namespaces_list" with the header "kubernetes-insecure-skip-tls-verify" set to "false"
    Then the call succeeds

  @AH-TLS-3 @AH-TLS-1 @AH-ERR-1
  Scenario: kubernetes-insecure-skip-tls-verify false still verifies the server against the CA
    When alice calls "namespaces_list" with these header changes:
      | kubernetes-insecure-skip-tls-verify   | false        |
      | kubernetes-certificate-authority-data | <oracle.ca>  |
    Then the call fails with "tls-verification-failed" unless the same call without the header "kubernetes-insecure-skip-tls-verify" succeeds too

  @AH-HDR-1 @AH-AUTH-1
  Scenario: A server URL with a path prefix reaches the API server below that prefix
    Given an HTTPS gateway serving cluster A under the path "/clusters/a"
    When alice calls "namespaces_list" through the gateway
    Then the call succeeds
    And the gateway saw every request under "/clusters/a"
    And the audit log of cluster A shows alice making a successful request

  @AH-HDR-11 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario Outline: An empty <header> is refused
    When alice calls "namespaces_list" with the header "<header>" set to ""
    Then the call fails with "invalid-header" naming "<header>"
    And the target still serves alice

    Examples:
      | header                                |
      | kubernetes-server                     |
      | kubernetes-authorization              |
      | kubernetes-certificate-authority-data |
      | kubernetes-insecure-skip-tls-verify   |
