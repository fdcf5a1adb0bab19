@security
Feature: The provider does not leak, follow or fall back
  Credentials go only to the named server over verified TLS, are never echoed
  or logged, and nothing ambient is ever used.

  Background:
    Given a token identity alice on cluster A

  @AH-NET-1 @AH-ERR-1 @allowlist
  Scenario: An allowlist refuses other servers before connecting
    Given the target is started with an allowlist of only cluster A
    And a TCP canary on 127.0.0.2
    When alice calls "namespaces_list" with the server set to the TCP canary
    Then the call fails with "server-not-allowed"
    And the TCP canary saw no connection
    When alice calls "namespaces_list"
    Then the call succeeds

  @AH-HDR-2 @AH-ERR-1 @AH-ERR-2
  Scenario: An http:// server is refused without any request
    Given a plain-HTTP canary
    And an MCP session
    When alice calls "namespaces_list" with the server set to the plain-HTTP canary
    Then the call fails with "invalid-header" naming "kubernetes-server"
    And the plain-HTTP canary saw no request

  @AH-HDR-2 @AH-AUTH-1 @plain-http-opt-in
  Scenario: With the plain-HTTP opt-in, an http:// server is contacted
    Given the target is started with the plain-HTTP opt-in
    And a plain-HTTP canary
    When alice calls "namespaces_list" with the server set to the plain-HTTP canary
    Then the plain-HTTP canary saw a request with alice's token

  @AH-NET-3 @AH-ERR-1 @AH-SEC-1
  Scenario: A redirect from the API server is not followed with credentials
    Given an HTTPS front that answers 307 to a canary
    And an MCP session
    When alice calls "namespaces_list" against the redirecting front
    Then the call fails with "upstream-error"
    And the front was asked
    And the redirect canary saw no request with credentials
    And no minted credential appears in the result

  @AH-SEC-1
  Scenario: Minted credentials never appear in results, errors or the provider's output
    Given a client-certificate identity carol on cluster A
    And an MCP session
    When alice calls "namespaces_list"
    Then no minted credential appears in the result
    When carol calls "namespaces_list"
    Then no minted credential appears in the result
    When alice calls "namespaces_list" with the header "kubernetes-authorization" set to "Basic <alice.token>"
    Then no minted credential appears in the result
    When carol calls "namespaces_list" with the header "kubernetes-certificate-authority-data" set to "<oracle.ca>"
    Then no minted credential appears in the result
    And no minted credential appears in the target's output

  @AH-SEC-1
  Scenario: Credentials of failed calls do not reach the log of a fresh provider
    Given a fresh target started by the harness
    And a client-certificate identity carol on cluster A
    When alice calls "namespaces_list"
    And carol calls "namespaces_list"
    And carol calls "namespaces_list" with the header "kubernetes-authorization" set to "<alice.authorization>"
    Then no minted credential appears in the target's output

  @AH-SRC-4 @AH-ERR-1
  Scenario: No ambient-credential fallback to KUBECONFIG or ~/.kube/config
    Given the target is started with the admin kubeconfig of cluster C as ambient credentials
    When "namespaces_list" is called without cluster headers
    Then the call fails with "missing-header"
    And the audit log of cluster C shows no request with its admin credentials

  @AH-NET-4 @AH-NET-5 @AH-ERR-1
  Scenario: A hung API server times out and other tenants stay fast
    Given the target is started with a request timeout of 2000 ms
    And a token identity bob on cluster B
    And a hung API server
    When alice calls "namespaces_list" against the hung server while bob calls "namespaces_list" 5 times
    Then the hung call fails with "timeout" within the request timeout
    And each call of the other tenant took less than 1500 ms

  @AH-NET-7 @AH-NET-5 @AH-ERR-1
  Scenario: An answer larger than any sane limit fails the call in time and other tenants stay fast
    Given a token identity bob on cluster B
    And an HTTPS API server whose answers are 24 MiB
    And an MCP session
    When alice calls "resources_get" against the large-answer server while bob calls "namespaces_list" 5 times
    Then the call fails with "upstream-error" [AH-NET-7]
    And the provider stopped reading the large answer and named its limit [AH-NET-7]
    And the large answer was refused within the request timeout [AH-NET-7]
    And each call of the other tenant took less than 1500 ms

  @AH-NET-6 @AH-ERR-1
  Scenario: An API server that cannot be reached is unreachable
    Given an MCP session
    When alice calls "namespaces_list" with the header "kubernetes-server" set to "https://127.0.0.1:1"
    Then the call fails with "unreachable"

  @AH-NET-2 @AH-ERR-1
  Scenario Outline: An address that means this machine is refused by default, before connecting (<host>)
    Given a TCP canary on 127.0.0.1
    And an MCP session
    When alice calls "namespaces_list" with the server set to "<host>" and the canary's port
    Then the call fails with one of "server-not-allowed, invalid-header"
    And the TCP canary saw no connection

    Examples:
      | host               |
      | 0.0.0.0            |
      | [::ffff:0.0.0.0]   |
      | [::ffff:0:0]       |

  @AH-SEC-3
  Scenario Outline: A request with a foreign <header> is refused before MCP (DNS rebinding)
    When an initialize is sent with the <header> header "<value>"
    Then it is refused with HTTP 403

    Examples:
      | header | value                              |
      | Host   | rebind.attacker.example            |
      | Origin | http://rebind.attacker.example     |

  @AH-SEC-2
  Scenario: The provider logs one line per call with tool and server host, credentials redacted
    Given a fresh target started by the harness
    When alice calls "pods_list_in_namespace"
    Then the call succeeds
    And the target's output has a line naming "pods_list_in_namespace" and the host of cluster A
    And no minted credential appears in the target's output
