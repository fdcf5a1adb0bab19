package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/kubernetes/pkg/controller/certificates/signer"
)

func adminConfig(server string, p pkiPaths) *rest.Config {
	return &rest.Config{
		Host: server,
		TLSClientConfig: rest.TLSClientConfig{
			CAFile:   p.ServingCA,
			CertFile: p.AdminCert,
			KeyFile:  p.AdminKey,
		},
		UserAgent: "conformance-controlplane",
	}
}

// waitReady polls /readyz until every check passes; RBAC bootstrap roles are
// among them, so the harness never sees a half-initialised authorizer.
func waitReady(ctx context.Context, server string, p pkiPaths) error {
	caPEM, err := os.ReadFile(p.ServingCA)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	pair, err := tls.LoadX509KeyPair(p.AdminCert, p.AdminKey)
	if err != nil {
		return err
	}
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}},
	}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		resp, err := client.Get(server + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("kube-apiserver at %s not ready after 3m", server)
}

// startSigner runs the upstream controller that kube-controller-manager runs
// for kubernetes.io/kube-apiserver-client, so client certificates come from
// the real CSR API: approval by the harness, signing by this controller.
func startSigner(ctx context.Context, server string, p pkiPaths, ttl time.Duration) error {
	client, err := kubernetes.NewForConfig(adminConfig(server, p))
	if err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	ctrl, err := signer.NewKubeAPIServerClientCSRSigningController(ctx, client,
		factory.Certificates().V1().CertificateSigningRequests(), p.ClientCA, p.ClientCAKey, ttl)
	if err != nil {
		return err
	}
	factory.Start(ctx.Done())
	go ctrl.Run(ctx, 2)
	return nil
}
