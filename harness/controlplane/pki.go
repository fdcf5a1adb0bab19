package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pkiPaths are the files of one cluster. Serving and client CAs are separate,
// as in kubeadm and k3s, so a test can hand out the serving CA without also
// handing out the authority that mints client identities.
type pkiPaths struct {
	ServingCA, ServingCAKey string
	ServerCert, ServerKey   string
	ClientCA, ClientCAKey   string
	AdminCert, AdminKey     string
	SAKey, SAPub            string
}

func pathsIn(dir string) pkiPaths {
	p := func(n string) string { return filepath.Join(dir, n) }
	return pkiPaths{
		ServingCA: p("serving-ca.crt"), ServingCAKey: p("serving-ca.key"),
		ServerCert: p("server.crt"), ServerKey: p("server.key"),
		ClientCA: p("client-ca.crt"), ClientCAKey: p("client-ca.key"),
		AdminCert: p("admin.crt"), AdminKey: p("admin.key"),
		SAKey: p("sa.key"), SAPub: p("sa.pub"),
	}
}

// ensurePKI creates the cluster's keys once; a restart of the same data dir
// keeps them so that credentials minted before a restart stay valid.
func ensurePKI(dir, name string) (pkiPaths, error) {
	paths := pathsIn(dir)
	if _, err := os.Stat(paths.SAPub); err == nil {
		return paths, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return paths, err
	}
	now := time.Now().Add(-time.Hour)
	servingCA, servingKey, err := newCA(name + "-serving-ca")
	if err != nil {
		return paths, err
	}
	clientCA, clientKey, err := newCA(name + "-client-ca")
	if err != nil {
		return paths, err
	}
	serverTpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
		NotBefore:   now, NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	serverCert, serverKey, err := newLeaf(serverTpl, servingCA, servingKey)
	if err != nil {
		return paths, err
	}
	adminTpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "conformance:admin", Organization: []string{"system:masters"}},
		NotBefore: now, NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	adminCert, adminKey, err := newLeaf(adminTpl, clientCA, clientKey)
	if err != nil {
		return paths, err
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return paths, err
	}
	saPub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return paths, err
	}
	writes := []struct {
		path string
		err  error
	}{
		{paths.ServingCA, writeCert(paths.ServingCA, servingCA)},
		{paths.ServingCAKey, writeKey(paths.ServingCAKey, servingKey)},
		{paths.ServerCert, writeCert(paths.ServerCert, serverCert)},
		{paths.ServerKey, writeKey(paths.ServerKey, serverKey)},
		{paths.ClientCA, writeCert(paths.ClientCA, clientCA)},
		{paths.ClientCAKey, writeKey(paths.ClientCAKey, clientKey)},
		{paths.AdminCert, writeCert(paths.AdminCert, adminCert)},
		{paths.AdminKey, writeKey(paths.AdminKey, adminKey)},
		{paths.SAKey, writeKey(paths.SAKey, saKey)},
		{paths.SAPub, os.WriteFile(paths.SAPub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPub}), 0o600)},
	}
	var errs []error
	for _, w := range writes {
		if w.err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", w.path, w.err))
		}
	}
	return paths, errors.Join(errs...)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

func newCA(cn string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now().Add(-time.Hour)
	tpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now,
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func newLeaf(tpl, ca *x509.Certificate, caKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tpl.SerialNumber = serial()
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func writeCert(path string, c *x509.Certificate) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600)
}

func writeKey(path string, k *ecdsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}
