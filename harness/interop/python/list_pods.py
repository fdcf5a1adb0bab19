"""The proposal's Python example (fastmcp Client, StreamableHttpTransport with
headers, and meta=), made runnable: it is how a real client of the
auth-headers provider sends its cluster and credentials.

usage: list_pods.py SERVER_URL CLUSTER_JSON token|cert headers|meta|both [NAMESPACE]

CLUSTER_JSON has the proposal's keys: TEST_CLUSTER_URL, TEST_CLUSTER_CA_DATA,
TEST_CLUSTER_AUTH_TOKEN, TEST_CLUSTER_CLIENT_CERTIFICATE_DATA,
TEST_CLUSTER_CLIENT_KEY_DATA. Prints one JSON line: the tool result.
Secrets are read from the file, never from the command line.
"""
import asyncio
import json
import sys

from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport


def get_k8s_headers(cluster_json_file, auth_type):
    with open(cluster_json_file) as f:
        target_cluster = json.load(f)
    headers = {
        "kubernetes-certificate-authority-data": target_cluster["TEST_CLUSTER_CA_DATA"],
        "kubernetes-server": target_cluster["TEST_CLUSTER_URL"],
    }
    if auth_type == "token":
        headers["kubernetes-authorization"] = target_cluster["TEST_CLUSTER_AUTH_TOKEN"]
    elif auth_type == "cert":
        headers["kubernetes-client-certificate-data"] = target_cluster["TEST_CLUSTER_CLIENT_CERTIFICATE_DATA"]
        headers["kubernetes-client-key-data"] = target_cluster["TEST_CLUSTER_CLIENT_KEY_DATA"]
    else:
        raise SystemExit(f"unknown auth type {auth_type!r}")
    return headers


async def main():
    server_url, cluster_json, auth_type, mode = sys.argv[1:5]
    namespace = sys.argv[5] if len(sys.argv) > 5 else "conformance"
    custom_headers = get_k8s_headers(cluster_json, auth_type)
    http_headers = custom_headers if mode in ("headers", "both") else {}
    meta = custom_headers if mode in ("meta", "both") else None
    async with Client(transport=StreamableHttpTransport(server_url, headers=http_headers)) as client:
        response = await client.call_tool(
            "pods_list_in_namespace", {"namespace": namespace}, meta=meta, raise_on_error=False
        )
        text = "\n".join(c.text for c in response.content if getattr(c, "type", "") == "text")
        print(json.dumps({"isError": response.is_error, "text": text}))


if __name__ == "__main__":
    asyncio.run(main())
