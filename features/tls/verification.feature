@tls
Feature: The API server's certificate is verified against the supplied CA only
  Verification uses only the CA bundle of the call (never the system trust
  store), checks the host name, and accepts the issuer anywhere in the bundle.
  Skipping verification needs an explicit opt-in when the provider starts.

  Background:
    Given a token identity alice on cluster A
    And an MCP session

  @AH-TLS-1 @AH-ERR-1 @AH-SEC-1
  Scenario: A CA that did not sign the serving certificate fails verification
    When alice calls "namespaces_list" with the header "kubernetes-certificate-authority-data" set to "<oracle.ca>"
    Then the call fails with "tls-verification-failed"
    And the audit log of cluster A shows no request from alice
    And no minted credential appears in the result

  @AH-TLS-1 @AH-ERR-1
  Scenario: The CA of another cluster fails verification
    When alice calls "namespaces_list" with the header "kubernetes-certificate-authority-data" set to "<B.ca>"
    Then the call fails with "tls-verification-failed"
    And the audit log of cluster A shows no request from alice

  @AH-TLS-2
  Scenario: A bundle whose right CA is not first is accepted
    When alice calls "namespaces_list" with the header "kubernetes-certificate-authority-data" set to "<oracle+A.ca>"
    Then the call succeeds
    And the audit log of cluster A shows alice making a successful request

  @AH-TLS-1 @AH-ERR-1
  Scenario: A host name that is not in the serving certificate fails verification
    Given a TCP proxy on 127.0.0.3 to cluster A
    When alice calls "namespaces_list" through the TCP proxy
    Then the call fails with "tls-verification-failed"
    And the audit log of cluster A shows no request from alice

  @AH-TLS-3 @AH-ERR-1
  Scenario: Skipping TLS verification is refused by default
    When alice calls "namespaces_list" with these header changes:
      | kubernetes-insecure-skip-tls-verify   | true     |
      | kubernetes-certificate-authority-data | (absent) |
    Then the call fails with one of "invalid-header, conflicting-headers"
    And the audit log of cluster A shows no request from alice

  @AH-TLS-4 @AH-ERR-1 @insecure-opt-in
  Scenario: With the opt-in, insecure mode together with a CA is a conflict
    Given the target is started with the insecure-TLS opt-in
    When alice calls "namespaces_list" with the header "kubernetes-insecure-skip-tls-verify" set to "true"
    Then the call fails with "conflicting-headers"

  @AH-TLS-3 @AH-TLS-4 @insecure-opt-in
  Scenario: With the opt-in, insecure mode without a CA reaches the API server
    Given the target is started with the insecure-TLS opt-in
    When alice calls "namespaces_list" with these header changes:
      | kubernetes-insecure-skip-tls-verify   | true     |
      | kubernetes-certificate-authority-data | (absent) |
    Then the call succeeds
    And the audit log of cluster A shows alice making a successful request
