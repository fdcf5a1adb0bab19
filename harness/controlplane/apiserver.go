package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/rest"
	"k8s.io/component-base/cli/globalflag"
	basecompatibility "k8s.io/component-base/compatibility"
	logsapi "k8s.io/component-base/logs/api/v1"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

// kubernetesVersion is stamped by the build alongside k8s.io/component-base's
// own version variables, so /version answers with the real release.
var kubernetesVersion = "unknown"

const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
`

// apiServerArgs are the flags a conformance cluster needs: RBAC only, no
// anonymous access, a per-cluster ServiceAccount issuer (so a token of one
// cluster is foreign to every other), and a Metadata-level audit log that
// the harness reads as the witness of who called what. An empty policy
// leaves the audit log off, as on a cluster whose log the harness cannot read.
func apiServerArgs(dir, name, etcdURL string, p pkiPaths, policy string, verbosity int) []string {
	audit := []string{}
	if policy != "" {
		audit = []string{
			"--audit-policy-file=" + policy,
			"--audit-log-path=" + filepath.Join(dir, "audit.log"),
			"--audit-log-format=json",
			"--audit-log-mode=blocking",
			"--audit-log-maxsize=0",
		}
	}
	return append([]string{
		"--etcd-servers=" + etcdURL,
		"--tls-cert-file=" + p.ServerCert,
		"--tls-private-key-file=" + p.ServerKey,
		"--client-ca-file=" + p.ClientCA,
		"--service-account-issuer=https://" + name + ".conformance.invalid",
		"--service-account-key-file=" + p.SAPub,
		"--service-account-signing-key-file=" + p.SAKey,
		"--authorization-mode=RBAC",
		"--anonymous-auth=false",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--endpoint-reconciler-type=none",
		"--advertise-address=127.0.0.1",
		"--allow-privileged=false",
		"--profiling=false",
		"--enable-priority-and-fairness=false",
		fmt.Sprintf("--v=%d", verbosity),
	}, audit...)
}

// runAPIServer does what kube-apiserver's cobra command does, but serves on
// a listener we already hold, so the port is known without a bind race.
func runAPIServer(ctx context.Context, ln net.Listener, args []string) error {
	s := options.NewServerRunOptions()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	named := s.Flags()
	globalflag.AddGlobalFlags(named.FlagSet("global"), "kube-apiserver")
	for _, f := range named.FlagSets {
		fs.AddFlagSet(f)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
	featureGate := s.GenericServerRunOptions.ComponentGlobalsRegistry.FeatureGateFor(basecompatibility.DefaultKubeComponent)
	if err := logsapi.ValidateAndApply(s.Logs, featureGate); err != nil {
		return err
	}
	s.SecureServing.Listener = ln
	completed, err := s.Complete(ctx)
	if err != nil {
		return err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return utilerrors.NewAggregate(errs)
	}
	return app.Run(ctx, completed)
}
