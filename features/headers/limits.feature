@headers
Feature: Hostile sizes and spellings are refused cheaply and exactly
  A value is checked against a size limit before it is parsed, and parsing is
  linear: one tenant's megabyte of junk does not stall the others. No header
  line is ever dropped unseen. A Bearer token is joined to its scheme by one
  ASCII space, nothing that merely looks like one.

  Background:
    Given a token identity alice on cluster A
    And a token identity bob on cluster B
    And an MCP session

  @AH-HDR-12 @AH-NET-5 @AH-ERR-1 @AH-ERR-2 @AH-HDR-10
  Scenario: A _meta CA of about 1 MB of certificate headers is refused quickly while another tenant stays fast
    When alice calls "namespaces_list" with the _meta key "kubernetes-certificate-authority-data" set to 760 KiB of certificate headers while bob calls "namespaces_list" 5 times
    Then the call fails with "invalid-header" naming "kubernetes-certificate-authority-data"
    And the large value was answered within 2000 ms
    And each call of the other tenant took less than 1500 ms
    And the target still serves alice

  @AH-HDR-8 @AH-HDR-10
  Scenario: A request with more header lines than the provider keeps is refused, never served with some of them
    When alice calls "namespaces_list" with 1014 padding header lines, then its own tuple, then the tuple of bob
    Then the request was refused, not served
    And the audit log of cluster A shows no request from alice
    And the audit log of cluster B shows no request from bob
    And the target still serves alice

  @AH-HDR-6 @AH-HDR-10 @AH-ERR-1 @AH-ERR-2 @AH-SEC-1 @meta
  Scenario Outline: Bearer and the token joined by <separator> are refused
    When alice calls "namespaces_list" with Bearer and its token joined by "<separator>" in _meta
    Then the call fails with "invalid-header" naming "kubernetes-authorization"
    And the audit log of cluster A shows no request from alice
    And no minted credential appears in the result
    And the target still serves alice

    Examples:
      | separator          |
      | a tab              |
      | two spaces         |
      | a no-break space   |
      | a line separator   |
      | a byte-order mark  |
