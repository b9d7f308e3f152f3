#!/usr/bin/env bash
# Puts what checks the Helm chart (deploy/helm/proofgate) in .cache/helm, without root:
# - helm, built from its Go module (`go install`; the first build takes minutes, then it is kept);
# - kubernetes-validate, from PyPI (`pip install --target`), which ships the Kubernetes JSON
#   schemas and validates offline; run through a wrapper, .cache/helm/bin/kubernetes-validate;
# - @kubernetes-models/prometheus-operator, from npm, for the ServiceMonitor's and the
#   PrometheusRule's schemas (custom resources, which kubernetes-validate does not know).
# Prints `export HELM=...` and `export KUBE_VALIDATE=...` for `eval`; everything else goes to
# stderr. Used by .ci/run; test/e2e/operations/helm-chart.spec.ts finds them there too.
set -euo pipefail
cd "$(dirname "$0")/../.."

HELM_VERSION=v3.22.0
# The Kubernetes minor of the client-go that helm release is built with (its go.mod: v0.37.0):
# helm's own Makefile links it in as the default for `helm template` and `helm lint`'s check of
# deprecated APIs; a plain `go install` would leave both at Kubernetes 1.20.
HELM_KUBE_MINOR=37
KUBE_VALIDATE_VERSION=1.37.0
CRD_MODELS_VERSION=6.0.0

target="$PWD/.cache/helm"
mkdir -p "$target/bin"

# What each part was installed at: a changed pin above installs it again.
installed() { [ -f "$target/$1.version" ] && [ "$(cat "$target/$1.version")" = "$2" ]; }

helm="$target/bin/helm"
helm_build="$HELM_VERSION kubernetes 1.$HELM_KUBE_MINOR"
if ! { [ -x "$helm" ] && installed helm "$helm_build"; }; then
  command -v go > /dev/null || { echo "tools/helm/install.sh: needs go (the Go toolchain) to build helm" >&2; exit 1; }
  echo "Building helm $HELM_VERSION from the Go module proxy (a few minutes, once)..." >&2
  ldflags="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  for package in pkg/lint/rules pkg/chartutil; do
    ldflags+=" -X helm.sh/helm/v3/$package.k8sVersionMajor=1"
    ldflags+=" -X helm.sh/helm/v3/$package.k8sVersionMinor=$HELM_KUBE_MINOR"
  done
  GOBIN="$target/bin" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "$ldflags" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
  echo "$helm_build" > "$target/helm.version"
fi

validate="$target/bin/kubernetes-validate"
if ! { [ -x "$validate" ] && installed kubernetes-validate "$KUBE_VALIDATE_VERSION"; }; then
  python="$(python3 -c 'import sys; print(sys.executable)')"
  rm -rf "$target/kubernetes-validate"
  "$python" -m pip install --quiet --disable-pip-version-check --no-input --no-warn-script-location \
    --root-user-action=ignore --target "$target/kubernetes-validate" \
    "kubernetes-validate==$KUBE_VALIDATE_VERSION" >&2
  # Its packages (jsonschema, rpds-py, PyYAML) are this Python's: the wrapper runs that one.
  cat > "$validate" <<WRAPPER
#!/bin/sh
PYTHONPATH="$target/kubernetes-validate" exec "$python" -m kubernetes_validate "\$@"
WRAPPER
  chmod +x "$validate"
  echo "$KUBE_VALIDATE_VERSION" > "$target/kubernetes-validate.version"
fi

models="$target/crd-models"
if ! installed crd-models "$CRD_MODELS_VERSION"; then
  rm -rf "$models"
  mkdir -p "$models"
  npm install --prefix "$models" --no-audit --no-fund --no-package-lock --silent \
    "@kubernetes-models/prometheus-operator@$CRD_MODELS_VERSION" >&2
  echo "$CRD_MODELS_VERSION" > "$target/crd-models.version"
fi

"$helm" version --short > /dev/null
"$validate" --version > /dev/null
printf 'export HELM=%q\nexport KUBE_VALIDATE=%q\n' "$helm" "$validate"
