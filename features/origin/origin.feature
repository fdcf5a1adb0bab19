@origin
Feature: Results name the cluster they came from (SHOULD)
  A successful result names the server host and a short CA fingerprint, in
  the text and in structuredContent.cluster. Failures here are warnings.

  Background:
    Given a token identity alice on cluster A
    And a token identity bob on cluster B
    And an MCP session

  @AH-ORIGIN-1
  Scenario: A result names its cluster
    When alice calls "namespaces_list"
    Then the result names cluster A
    And the result does not name cluster B

  @AH-ORIGIN-2
  Scenario: After a switch the new cluster is named and never the old one
    When alice calls "pods_list_in_namespace"
    Then the result names cluster A
    When bob calls "pods_list_in_namespace"
    Then the result names cluster B
    And the result does not name cluster A
