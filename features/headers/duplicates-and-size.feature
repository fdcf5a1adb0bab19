@headers
Feature: Each header occurs at most once, and large CA bundles fit
  Repeated header lines and comma-joined values are refused, never resolved by
  taking the first. CA bundles are large, so 64 KiB of headers must be
  accepted; beyond the provider's limit the request is refused cleanly.

  Background:
    Given a token identity alice on cluster A
    And a token identity bob on cluster B
    And an MCP session

  @AH-HDR-8 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario: kubernetes-server sent as two header lines is refused
    When alice calls "namespaces_list" with the header "kubernetes-server" sent twice, the second time as "<B.server>"
    Then the call fails with "invalid-header" naming "kubernetes-server"
    And the target still serves alice

  @AH-HDR-8 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2 @AH-SEC-1
  Scenario: kubernetes-authorization sent twice with the same value is refused
    When alice calls "namespaces_list" with the header "kubernetes-authorization" sent twice
    Then the call fails with "invalid-header" naming "kubernetes-authorization"
    And no minted credential appears in the result
    And the target still serves alice

  @AH-HDR-8 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2
  Scenario: A comma-joined kubernetes-server value is refused
    When alice calls "namespaces_list" with the header "kubernetes-server" comma-joined with "<B.server>"
    Then the call fails with "invalid-header" naming "kubernetes-server"
    And the target still serves alice

  @AH-HDR-8 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2 @AH-SEC-1
  Scenario: A comma-joined kubernetes-authorization value is refused
    When alice calls "namespaces_list" with the header "kubernetes-authorization" comma-joined with "<bob.authorization>"
    Then the call fails with "invalid-header" naming "kubernetes-authorization"
    And no minted credential appears in the result
    And the target still serves alice

  @AH-HDR-9 @AH-TLS-2
  Scenario: A CA bundle of about 60 KiB with the right CA last is accepted
    When alice calls "namespaces_list" with a CA bundle of about 60 KiB
    Then its headers were read, not refused as too large [AH-HDR-9]
    And the call succeeds [AH-TLS-2]
    And the audit log of cluster A shows alice making a successful request [AH-TLS-2]

  @AH-HDR-9 @AH-HDR-10
  Scenario: Headers far beyond any limit are refused cleanly and the provider keeps serving
    When alice calls "namespaces_list" with 2048 KiB of request headers
    Then the oversize request was refused cleanly
    And the target still serves alice
