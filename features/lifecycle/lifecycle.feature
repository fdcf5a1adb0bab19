@lifecycle
Feature: Lifecycle requests need no cluster
  initialize, ping, tools/list and notifications succeed without cluster
  headers, and cluster headers sent with them are ignored.

  @AH-LIFE-1 @AH-LIFE-3
  Scenario: initialize, ping and tools/list succeed without cluster headers
    When initialize, ping and tools/list are sent without cluster headers
    Then each of them succeeds
    And the tools list contains every required tool

  @AH-LIFE-2 @AH-SRC-3
  Scenario: Cluster headers sent with lifecycle requests are ignored and not kept
    Given a token identity alice on cluster A
    When initialize, ping and tools/list are sent with the headers of alice
    Then each of them succeeds
    When "namespaces_list" is called without cluster headers
    Then the call fails with "missing-header"
    And the audit log of cluster A shows no request from alice

  @AH-SRC-4 @AH-ERR-1
  Scenario: A call without any cluster tuple fails with missing-header
    Given an MCP session
    When "namespaces_list" is called without cluster headers
    Then the call fails with "missing-header"

  @AH-ERR-1 @AH-ERR-3
  Scenario: A tool error is a result with a code, not a protocol error
    Given a token identity alice on cluster A
    And an MCP session
    When alice calls "pods_get" with arguments for a pod that does not exist
    Then the call fails with "not-found"

  @AH-ERR-4
  Scenario: An unknown tool is a JSON-RPC error
    Given a token identity alice on cluster A
    And an MCP session
    When alice calls the tool "no_such_tool_7f3a" with the arguments "{}"
    Then the call is refused with a JSON-RPC error, not a tool result
    And the target still serves alice

  @AH-ERR-4 @AH-ERR-3
  Scenario: Arguments that do not fit the tool's schema are invalid-argument
    Given a token identity alice on cluster A
    And an MCP session
    When alice calls the tool "pods_list_in_namespace" with the arguments "{\"namespace\": 42}"
    Then the call fails with "invalid-argument"
    And the target still serves alice

  @AH-ERR-5
  Scenario Outline: An argument that is not a Kubernetes name is refused before any request (<what>)
    Given a token identity alice on cluster A
    And an MCP session
    When alice calls the tool "<tool>" with the arguments "<arguments>"
    Then the call fails with "invalid-argument"
    And the audit log of cluster A shows no request from alice

    Examples:
      | what                  | tool                   | arguments                                            |
      | namespace-path        | pods_list_in_namespace | {\"namespace\": \"../../api\"}                       |
      | name-with-slash       | pods_get               | {\"namespace\": \"default\", \"name\": \"a/b\"}        |
      | namespace-upper-case  | pods_list_in_namespace | {\"namespace\": \"Kube-System\"}                     |
      | namespace-64-chars    | pods_list_in_namespace | {\"namespace\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"} |
