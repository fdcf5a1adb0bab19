// Command kube-controlplane runs one real, single-node Kubernetes control
// plane for conformance tests: embedded etcd, the real kube-apiserver and the
// real CSR signing controller for kubernetes.io/kube-apiserver-client. It
// exists because this machine has no container engine for k3s; everything it
// serves is the unmodified upstream code, only wired into one process so that
// a test can start, watch and kill a cluster as a unit.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// version is stamped by the build (-ldflags -X main.version=...) so the
// harness can tell which build cache entry a running binary came from.
var version = "dev"

type readyInfo struct {
	Name       string `json:"name"`
	Server     string `json:"server"`
	PID        int    `json:"pid"`
	Version    string `json:"version"`
	Kubernetes string `json:"kubernetes"`
	DataDir    string `json:"dataDir"`
}

func main() {
	var (
		dataDir     = flag.String("data-dir", "", "directory for PKI, etcd data, audit log and ready file (required)")
		name        = flag.String("name", "cluster", "cluster name, used in the ServiceAccount issuer and certificates")
		port        = flag.Int("port", 0, "secure port on 127.0.0.1 (0 picks a free one)")
		certTTL     = flag.Duration("signer-cert-ttl", 24*time.Hour, "longest lifetime of certificates issued through the CSR API")
		stdinWatch  = flag.Bool("exit-on-stdin-eof", false, "exit when standard input closes (the parent died)")
		showVersion = flag.Bool("version", false, "print the build version and exit")
		verbosity   = flag.Int("v", 0, "kube-apiserver log verbosity")
		auditLog    = flag.Bool("audit-log", true, "write the JSON audit log to <data-dir>/audit.log")
	)
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	if *dataDir == "" {
		fatalf("--data-dir is required")
	}
	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fatalf("data dir: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fatalf("data dir: %v", err)
	}
	setParentDeathSignal()
	parent := os.Getppid()

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	parentGone := make(chan struct{})
	if *stdinWatch {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(parentGone)
			// Remove the data dir before shutting down: an orphan may be
			// killed by the reaper that adopted it before a shutdown ends.
			atExit()
			cancel()
		}()
		// A harness that died without cleaning up cannot remove our data dir:
		// do it ourselves, on every way out (fatalf included: a shutdown can
		// race the signal and end there). A plain SIGTERM (stop, or a fault
		// test's kill before a restart) keeps it; the harness owns it then.
		atExit = func() {
			select {
			case <-parentGone:
			default:
				if os.Getppid() == parent {
					return
				}
			}
			_ = os.RemoveAll(dir)
		}
		defer atExit()
	}

	pki, err := ensurePKI(filepath.Join(dir, "pki"), *name)
	if err != nil {
		fatalf("pki: %v", err)
	}
	policy := ""
	if *auditLog {
		policy = filepath.Join(dir, "audit-policy.yaml")
		if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
			fatalf("audit policy: %v", err)
		}
	}

	etcd, etcdURL, err := startEtcd(filepath.Join(dir, "etcd"))
	if err != nil {
		fatalf("etcd: %v", err)
	}
	defer etcd.Close()

	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fatalf("listen: %v", err)
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)

	apiDone := make(chan error, 1)
	go func() {
		apiDone <- runAPIServer(ctx, ln, apiServerArgs(dir, *name, etcdURL, pki, policy, *verbosity))
	}()

	readyErr := make(chan error, 1)
	go func() {
		if err := waitReady(ctx, server, pki); err != nil {
			readyErr <- err
			return
		}
		if err := startSigner(ctx, server, pki, *certTTL); err != nil {
			readyErr <- fmt.Errorf("csr signer: %w", err)
			return
		}
		info := readyInfo{Name: *name, Server: server, PID: os.Getpid(), Version: version, Kubernetes: kubernetesVersion, DataDir: dir}
		if err := writeJSONAtomic(filepath.Join(dir, "ready.json"), info); err != nil {
			readyErr <- err
			return
		}
		fmt.Printf("controlplane ready %s\n", server)
	}()

	select {
	case err := <-apiDone:
		// The API server may see a shutdown signal before our context does:
		// give the context a moment before calling its end a failure.
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
				fatalf("kube-apiserver: %v", err)
			}
		}
	case err := <-readyErr:
		fatalf("%v", err)
	case <-ctx.Done():
		select {
		case <-apiDone:
		case <-time.After(10 * time.Second):
		}
	}
}

func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// atExit runs before any exit, also through fatalf (os.Exit skips defers).
var atExit = func() {}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kube-controlplane: "+format+"\n", args...)
	atExit()
	os.Exit(1)
}
