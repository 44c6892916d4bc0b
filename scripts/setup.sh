#!/usr/bin/env bash
# Installs everything slant needs on a fresh Debian machine, by package name. Idempotent.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # libraries
  libgmp-dev libre2-dev libedit-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev
  libboost1.81-dev
  # tests, fuzzing and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang-19 libfuzzer-19-dev libclang-rt-19-dev
  python3 golang-go golang-starlark-dev time
)

# kubectl: Debian's kubernetes-client, unless a kubectl is already installed (it also provides
# `kubectl kustomize`, which kustomize() falls back to).
command -v kubectl >/dev/null || packages+=(kubernetes-client)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
