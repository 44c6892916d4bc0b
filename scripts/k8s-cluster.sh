#!/usr/bin/env bash
# A real single-node Kubernetes cluster on loopback for slant's tests (issue 7,
# docs/k8s-cluster.md): etcd, kube-apiserver, kube-controller-manager, kube-scheduler and a kubelet
# with its own containerd, plus a local image registry, all started from one binary built here
# from the Go module proxy (k8s/, cached under ~/.cache/slant/k8s/).
#
#   scripts/k8s-cluster.sh build          build (or find cached) the components; print the binary
#   scripts/k8s-cluster.sh is-built       exit 0 if the binary is cached, else 1 with a message
#   scripts/k8s-cluster.sh up             start whatever is not running (idempotent)
#   scripts/k8s-cluster.sh status         tell what runs; exit 1 unless everything does
#   scripts/k8s-cluster.sh down           stop everything, unmount, remove interfaces and state
#   scripts/k8s-cluster.sh kubeconfig     print the kubeconfig's path (context slant-local)
#   scripts/k8s-cluster.sh kubectl-path   print the path of the matching kubectl
#   scripts/k8s-cluster.sh registry       print the registry's host:port (localhost:PORT)
#   scripts/k8s-cluster.sh env            print shell exports: KUBECONFIG, PATH with kubectl
#
# Environment: SLANT_K8S_STATE (default ~/.local/state/slant/k8s), SLANT_K8S_CACHE (default
# ~/.cache/slant/k8s), SLANT_K8S_POD_CIDR (default 10.244.N.0/24, N from the state directory;
# its first address is the node's), SLANT_K8S_TIMEOUT (seconds to wait for each component, default 120).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state=${SLANT_K8S_STATE:-$HOME/.local/state/slant/k8s}
cache_root=${SLANT_K8S_CACHE:-$HOME/.cache/slant/k8s}
timeout=${SLANT_K8S_TIMEOUT:-120}
# Names on the host (bridge, cgroups, CNI network) and the pod network derive from the state
# directory, so that two clusters with different state directories never collide.
id=$(printf '%s' "$state" | sha256sum | cut -c1-6)
pod_cidr=${SLANT_K8S_POD_CIDR:-10.244.$((16#${id:0:2})).0/24}
service_cidr=10.96.0.0/16
node_name=slant-local
bridge=slk8s-$id
cni_network=slant-k8s-$id
cgroup_root=slant-k8s-$id
pause_image=slant.local/pause:1
cni_bin=/usr/lib/cni

version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' "$root/k8s/go.mod")
# What `kubectl version`, the apiserver's /version and the node's kubeletVersion report (a plain
# `go build` would say v0.0.0-master): the variables Kubernetes' own build sets.
minor=${version#v*.}
minor=${minor%%.*}
ldflags="-s -w"
for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $v.gitVersion=$version -X $v.gitMajor=1 -X $v.gitMinor=$minor"
  ldflags+=" -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
done
goflags=(-trimpath -buildvcs=false "-ldflags=$ldflags")
key=$({
  cat "$root/k8s/go.mod" "$root/k8s/go.sum" "$root/k8s/cmd/slant-k8s/"*.go
  echo "${goflags[*]}"
} | sha256sum | cut -c1-16)
cache=$cache_root/$version/$key
# The pause image, keyed by its sources (a change rebuilds it, not the Go binary).
pause_tar=$cache/pause-$(cat "$root/k8s/pause/pause.c" "$root/scripts/k8s/image-archive.sh" |
  sha256sum | cut -c1-16).tar
bin=$cache/bin
pki=$state/pki
logs=$state/logs
run=$state/run
sock=$state/containerd/containerd.sock
kubeconfig=$state/kubeconfig

say() { echo "k8s-cluster: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# ---------------------------------------------------------------------------------------------
# build

# Builds the one binary (every component, dispatching on its name) unless the cache holds it for
# these exact sources, then links each component's name to it.
build() {
  if [[ ! -x $bin/slant-k8s ]]; then
    command -v go >/dev/null || die "go is not installed (scripts/setup.sh installs golang-go)"
    mkdir -p "$bin"
    say "building Kubernetes $version into $bin (first time only; this takes a while)"
    local start=$SECONDS
    (cd "$root/k8s" && GOTOOLCHAIN=local nice -n 19 go build "${goflags[@]}" \
      -o "$bin/slant-k8s.tmp" ./cmd/slant-k8s) || die "go build of k8s/cmd/slant-k8s failed"
    mv "$bin/slant-k8s.tmp" "$bin/slant-k8s"
    say "built in $((SECONDS - start)) s"
    # Builds of other sources (older keys) are never used again.
    find "$cache_root/$version" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +
  fi
  local name
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy \
    kubectl; do
    [[ -L $bin/$name ]] || ln -sfn slant-k8s "$bin/$name"
  done
  if [[ ! -f $pause_tar ]]; then
    rm -f "$cache"/pause*.tar
    local tmp
    tmp=$(mktemp -d)
    gcc -static -Os -s -Wall -Wextra -o "$tmp/pause" "$root/k8s/pause/pause.c" ||
      die "gcc -static of k8s/pause/pause.c failed (is gcc installed?)"
    bash "$root/scripts/k8s/image-archive.sh" "$pause_image" "$tmp" "$pause_tar" /pause \
      >/dev/null
    rm -rf "$tmp"
  fi
}

# ---------------------------------------------------------------------------------------------
# processes: one pid file per component under $run, logs under $logs

pid_of() { # prints the pid of a running component, or fails
  local pid
  pid=$(cat "$run/$1.pid" 2>/dev/null) || return 1
  [[ -n $pid && -d /proc/$pid ]] || return 1
  # A recycled pid is not ours: the command line must be the one we started.
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  [[ $cmdline == *"$(cat "$run/$1.cmd")"* ]] || return 1
  echo "$pid"
}

running() { pid_of "$1" >/dev/null; }

alive() { # a process that exists and is not a zombie
  local st
  st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) && [[ -n $st && $st != Z* ]]
}

# Starts a component in its own session (it outlives the shell that ran `up`), logging to a file.
start() {
  local name=$1
  shift
  mkdir -p "$run" "$logs"
  echo "--- $(date -u +%FT%TZ) starting: $*" >>"$logs/$name.log"
  # In a non-interactive shell the subshell is no process group leader, so setsid execs in place
  # and $! is the component's own pid.
  (exec setsid "$@" </dev/null >>"$logs/$name.log" 2>&1) &
  echo $! >"$run/$name.pid"
  # What its /proc/PID/cmdline starts with (after env has exec'd the program).
  local argv=("$@")
  if [[ ${argv[0]} == env ]]; then
    argv=("${argv[@]:1}")
    while [[ ${argv[0]} == *=* ]]; do argv=("${argv[@]:1}"); done
  fi
  echo "${argv[0]} ${argv[1]:-}" >"$run/$name.cmd"
  # Until the subshell has exec'd setsid (and env its program), the pid shows another command.
  local i
  for ((i = 0; i < 100; i++)); do
    running "$name" && return 0
    sleep 0.02
  done
  die "$name did not start; last lines of $logs/$name.log:
$(tail -n 15 "$logs/$name.log")"
}

stop() { # stops a component: TERM, then KILL after 20 s
  local name=$1 pid i
  pid=$(pid_of "$name") || {
    rm -f "$run/$name.pid"
    return 0
  }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    say "$name (pid $pid) did not stop on SIGTERM in 20 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$run/$name.pid"
}

wait_for() { # wait_for NAME COMMAND...: until COMMAND succeeds or NAME dies or time runs out
  local name=$1 i
  shift
  for ((i = 0; i < timeout * 4; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    running "$name" || die "$name exited while starting; last lines of $logs/$name.log:
$(tail -n 15 "$logs/$name.log")"
    sleep 0.25
  done
  die "$name not ready after ${timeout}s; last lines of $logs/$name.log:
$(tail -n 15 "$logs/$name.log")"
}

kctl() { "$bin/kubectl" --kubeconfig="$kubeconfig" "$@"; }

# ---------------------------------------------------------------------------------------------
# configuration, generated once per state directory

port_free() { [[ -z $(ss -Hltn "sport = :$1") ]]; }

pick_ports() { # chooses free loopback ports once and records them in $state/ports.env
  [[ -f $state/ports.env ]] && return
  local names=(APISERVER ETCD ETCD_PEER REGISTRY KUBELET KUBELET_HEALTHZ CONTROLLER_MANAGER
    SCHEDULER) used=" " n p
  : >"$state/ports.env.tmp"
  for n in "${names[@]}"; do
    while :; do
      p=$((20000 + RANDOM % 12000))
      [[ $used != *" $p "* ]] && port_free "$p" && break
    done
    used+="$p "
    echo "${n}_PORT=$p" >>"$state/ports.env.tmp"
  done
  mv "$state/ports.env.tmp" "$state/ports.env"
}

cert() { # cert NAME SUBJECT EXTENSIONS: a P-256 key and a certificate signed by the cluster CA
  local name=$1 subject=$2 ext=$3
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$name.key" 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  printf '%b\n' "$ext" >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$pki/$name.ext"
}

write_kubeconfig() { # write_kubeconfig FILE CERT-NAME USER
  local file=$1 name=$2 user=$3
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slant-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$pki/$name.crt")
    client-key-data: $(base64 -w0 "$pki/$name.key")
contexts:
- name: slant-local
  context:
    cluster: slant-local
    user: $user
current-context: slant-local
EOF
  mv "$file.tmp" "$file"
}

configure() {
  mkdir -p "$state" "$logs" "$run"
  pick_ports
  # shellcheck disable=SC1091
  source "$state/ports.env"
  local net=${pod_cidr%/*}
  node_ip=${net%.*}.$((${net##*.} + 1)) # the pod network's first address, on the bridge
  [[ -f $pki/ca.crt && -f $state/kubeconfig ]] && return
  say "generating certificates and kubeconfigs in $state"
  mkdir -p "$pki"
  chmod 700 "$pki"
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=slant-local-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$pki/ca.crt" 2>/dev/null
  local client="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth"
  local server="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth"
  cert apiserver "/CN=kube-apiserver" "$server\nsubjectAltName=IP:127.0.0.1,IP:${service_cidr%.*/*}.1,IP:$node_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert kubelet "/CN=$node_name" "$server\nsubjectAltName=IP:$node_ip,IP:127.0.0.1,DNS:$node_name,DNS:localhost"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  cert admin "/O=system:masters/CN=slant-local-admin" "$client"
  cert controller-manager "/CN=system:kube-controller-manager" "$client"
  cert scheduler "/CN=system:kube-scheduler" "$client"
  cert node "/O=system:nodes/CN=system:node:$node_name" "$client"
  cert proxy "/CN=system:kube-proxy" "$client"
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/sa.key" 2>/dev/null
  openssl ec -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  write_kubeconfig "$state/controller-manager.kubeconfig" controller-manager system:kube-controller-manager
  write_kubeconfig "$state/scheduler.kubeconfig" scheduler system:kube-scheduler
  write_kubeconfig "$state/kubelet.kubeconfig" node "system:node:$node_name"
  write_kubeconfig "$state/proxy.kubeconfig" proxy system:kube-proxy
  write_kubeconfig "$state/kubeconfig" admin slant-local-admin
}

write_registry_config() {
  mkdir -p "$state/registry/data"
  cat >"$state/registry/config.yml" <<EOF
version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $state/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
EOF
}

write_containerd_config() {
  local c=$state/containerd
  mkdir -p "$c/root" "$c/state" "$c/certs.d/localhost:$REGISTRY_PORT" "$state/cni/net.d" \
    "$state/cni/ipam"
  # Images named localhost:PORT/... are pulled from the registry over plain HTTP.
  cat >"$c/certs.d/localhost:$REGISTRY_PORT/hosts.toml" <<EOF
server = "http://127.0.0.1:$REGISTRY_PORT"

[host."http://127.0.0.1:$REGISTRY_PORT"]
  capabilities = ["pull", "resolve", "push"]
EOF
  cat >"$c/config.toml" <<EOF
# containerd for slant's test cluster only: its own socket, root and state (dockerd's containerd
# is another instance). Generated by scripts/k8s-cluster.sh.
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$sock"

[ttrpc]
  address = "$sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  # This machine lacks CAP_SYS_RESOURCE (CapEff 0x1fffeffffff): no process may lower its
  # oom_score_adj, and the kubelet asks -998 for every sandbox. Clamp to containerd's own (0).
  restrict_oom_score_adj = true

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$cni_bin"
    conf_dir = "$state/cni/net.d"
    max_conf_num = 1

  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$c/certs.d"
EOF
  cat >"$state/cni/net.d/10-slant-k8s.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$cni_network",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$state/cni/ipam",
        "ranges": [[{"subnet": "$pod_cidr", "gateway": "$node_ip"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

write_kubelet_config() {
  mkdir -p "$state/kubelet/root" "$state/pod-logs"
  cat >"$state/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $pki/kubelet.crt
tlsPrivateKeyFile: $pki/kubelet.key
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $pki/ca.crt
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$sock
# This machine has cgroup v1 (docs/k8s-cluster.md): the cgroupfs driver, and every pod under
# /$cgroup_root so that down can find and remove what the kubelet created.
cgroupDriver: cgroupfs
cgroupRoot: /$cgroup_root
cgroupsPerQOS: true
failCgroupV1: false
failSwapOn: false
podLogsDir: $state/pod-logs
volumePluginDir: $state/kubelet/volume-plugins
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podCIDR: $pod_cidr
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
rotateCertificates: false
EOF
}

# ---------------------------------------------------------------------------------------------
# node-level resources: the bridge (the node's address) and the kubelet's cgroup root

cgroup_dirs() { # the cgroup root in every mounted v1 hierarchy (and the unified one, if any)
  local m
  while read -r _ m _; do echo "$m/$cgroup_root"; done < <(awk '$3 ~ /^cgroup2?$/' /proc/mounts)
}

node_setup() {
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge || die "cannot create the bridge $bridge"
  fi
  [[ $(ip addr show dev "$bridge") == *" $node_ip/"* ]] ||
    ip addr add "$node_ip/${pod_cidr#*/}" dev "$bridge"
  ip link set "$bridge" up
  local d parent
  while read -r d; do
    mkdir -p "$d"
    parent=$(dirname "$d")
    # A new v1 cpuset is empty; its tasks could run nowhere.
    if [[ -f $d/cpuset.cpus && -z $(cat "$d/cpuset.cpus") ]]; then
      cat "$parent/cpuset.cpus" >"$d/cpuset.cpus"
      cat "$parent/cpuset.mems" >"$d/cpuset.mems"
    fi
  done < <(cgroup_dirs)
}

# ---------------------------------------------------------------------------------------------
# up

# Paths outside the state directory that the kubelet and CNI use whatever they are told (the
# device plugin socket, /var/log/containers, libcni's result cache). The first up records which
# of them did not exist yet; down removes only those, so a host that had them keeps them.
host_dirs=(/var/lib/kubelet /var/lib/kubelet/device-plugins /var/log/containers /var/lib/cni
  /var/lib/cni/results)
note_host_dirs() {
  [[ -f $state/created-host-dirs ]] && return 0
  local d
  for d in "${host_dirs[@]}"; do
    [[ -e $d ]] || echo "$d"
  done >"$state/created-host-dirs"
}

up() {
  [[ $(id -u) -eq 0 ]] || die "up needs root (the kubelet and containerd manage mounts, cgroups and network namespaces)"
  local tool
  for tool in containerd runc ctr docker-registry openssl ip ss curl iptables gcc; do
    command -v "$tool" >/dev/null || die "$tool is not installed (run scripts/setup.sh)"
  done
  [[ -x $cni_bin/bridge && -x $cni_bin/host-local && -x $cni_bin/portmap && -x $cni_bin/loopback ]] ||
    die "CNI plugins missing from $cni_bin (install containernetworking-plugins)"
  local t0=$SECONDS
  build
  configure
  note_host_dirs
  node_setup

  if ! running etcd; then
    start etcd "$bin/etcd" --name="$node_name" --data-dir="$state/etcd" \
      --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
      --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
      --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
      --initial-cluster="$node_name=http://127.0.0.1:$ETCD_PEER_PORT" \
      --unsafe-no-fsync --log-level=warn
  fi
  wait_for etcd curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

  if ! running kube-apiserver; then
    start kube-apiserver "$bin/kube-apiserver" --bind-address=127.0.0.1 \
      --secure-port="$APISERVER_PORT" --advertise-address="$node_ip" \
      --endpoint-reconciler-type=none --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
      --service-cluster-ip-range="$service_cidr" --allow-privileged=true \
      --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
      --client-ca-file="$pki/ca.crt" --tls-cert-file="$pki/apiserver.crt" \
      --tls-private-key-file="$pki/apiserver.key" \
      --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" \
      --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
      --kubelet-certificate-authority="$pki/ca.crt" \
      --kubelet-preferred-address-types=InternalIP \
      --service-account-issuer=https://kubernetes.default.svc.cluster.local \
      --service-account-key-file="$pki/sa.pub" \
      --service-account-signing-key-file="$pki/sa.key" --cert-dir="$state/apiserver" \
      --profiling=false
  fi
  wait_for kube-apiserver kctl get --raw=/readyz

  if ! running kube-controller-manager; then
    start kube-controller-manager "$bin/kube-controller-manager" \
      --kubeconfig="$state/controller-manager.kubeconfig" --bind-address=127.0.0.1 \
      --secure-port="$CONTROLLER_MANAGER_PORT" --leader-elect=false \
      --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
      --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
      --use-service-account-credentials=true --service-cluster-ip-range="$service_cidr" \
      --cert-dir="$state/controller-manager" \
      --flex-volume-plugin-dir="$state/controller-manager/volume-plugins" --profiling=false
  fi
  if ! running kube-scheduler; then
    start kube-scheduler "$bin/kube-scheduler" --kubeconfig="$state/scheduler.kubeconfig" \
      --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --leader-elect=false \
      --cert-dir="$state/scheduler" --profiling=false
  fi

  if ! running registry; then
    write_registry_config
    start registry docker-registry serve "$state/registry/config.yml"
  fi
  wait_for registry curl -fsS "http://127.0.0.1:$REGISTRY_PORT/v2/"

  if ! running containerd; then
    write_containerd_config
    start containerd containerd --config "$state/containerd/config.toml"
  fi
  wait_for containerd ctr --address "$sock" version
  if [[ $(ctr --address "$sock" -n k8s.io images check "name==$pause_image" 2>/dev/null) != *complete* ]]; then
    ctr --address "$sock" -n k8s.io images import "$pause_tar" >/dev/null ||
      die "cannot import the pause image $pause_tar into containerd"
  fi

  if ! running kubelet; then
    write_kubelet_config
    # Without iptables on its PATH the kubelet leaves the host's firewall alone: it only adds
    # KUBE-FIREWALL (a guard for kube-proxy's route_localnet, which we do not run) and marker
    # chains, which would outlive the cluster. Debian has merged /usr: /usr/bin has everything
    # else it runs (mount, umount, du, find, nsenter).
    start kubelet env PATH=/usr/local/bin:/usr/bin "$bin/kubelet" --config="$state/kubelet/config.yaml" \
      --kubeconfig="$state/kubelet.kubeconfig" --root-dir="$state/kubelet/root" \
      --cert-dir="$state/kubelet/pki" --hostname-override="$node_name" --node-ip="$node_ip"
  fi
  wait_for kubelet kctl wait --for=condition=Ready "node/$node_name" --timeout=5s
  running kube-controller-manager || die "kube-controller-manager exited; see $logs/kube-controller-manager.log"
  running kube-scheduler || die "kube-scheduler exited; see $logs/kube-scheduler.log"

  # KEP-1755: tell tools (Tilt, slant) where to push images for this cluster.
  kctl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:$REGISTRY_PORT"
EOF
  # The default service account must exist before pods can be created in the default namespace.
  wait_for kube-controller-manager kctl -n default get serviceaccount default
  say "up in $((SECONDS - t0)) s: kubeconfig $kubeconfig (context slant-local), registry localhost:$REGISTRY_PORT"
}

# ---------------------------------------------------------------------------------------------
# status

status() {
  local ok=0 name pid pids=()
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler registry containerd kubelet; do
    if pid=$(pid_of "$name"); then
      printf '%-24s running (pid %s)\n' "$name" "$pid"
      pids+=("$pid")
    else
      printf '%-24s not running\n' "$name"
      ok=1
    fi
  done
  if [[ -f $state/ports.env ]]; then
    # shellcheck disable=SC1091
    source "$state/ports.env"
    echo "apiserver                https://127.0.0.1:$APISERVER_PORT"
    echo "registry                 localhost:$REGISTRY_PORT"
    echo "kubeconfig               $kubeconfig"
  fi
  # Memory: the components, containerd's shims and every process in the pods' cgroups.
  local d
  d=$(cgroup_dirs | grep -m1 '/pids/' || true)
  pids+=($(pgrep -f -- "-address $sock" || true))
  [[ -n $d && -d $d ]] && pids+=($(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null))
  # RSS counts the one binary's pages once per process; PSS shares them out.
  local files=()
  for pid in $(printf '%s\n' "${pids[@]}" | sort -un); do
    [[ -r /proc/$pid/smaps_rollup ]] && files+=("/proc/$pid/smaps_rollup")
  done
  if ((${#files[@]})); then
    awk '/^Rss:/ {r += $2; n++} /^Pss:/ {p += $2} END {
      printf "memory                   %d MiB RSS, %d MiB PSS in %d processes\n", r / 1024, p / 1024, n }' \
      "${files[@]}" 2>/dev/null || true
  fi
  return $ok
}

# ---------------------------------------------------------------------------------------------
# down

our_mounts() { # mount points under the state directory, deepest first
  awk -v s="$state/" 'index($2, s) == 1 {print $2}' /proc/self/mounts | sort -r
}

down() {
  [[ -d $state ]] || {
    say "nothing to stop ($state does not exist)"
    return 0
  }
  [[ $(id -u) -eq 0 ]] || die "down needs root"
  [[ -f $state/ports.env ]] && source "$state/ports.env"
  # No new pods: controllers and the scheduler stop first, then the kubelet stops every pod
  # itself (so CNI tears the pods' networks down), then the kubelet stops.
  stop kube-controller-manager
  stop kube-scheduler
  if running kube-apiserver && running kubelet && running containerd; then
    kctl delete pods --all --all-namespaces --grace-period=1 --wait=true --timeout=60s \
      >/dev/null 2>&1 || say "some pods did not stop in 60 s; killing what is left"
  fi
  stop kubelet
  # Whatever is left in containerd (pods of a crashed kubelet): kill and delete every task and
  # container, which unmounts their root filesystems.
  if running containerd; then
    local ns id
    for ns in $(ctr --address "$sock" namespaces ls -q 2>/dev/null); do
      for id in $(ctr --address "$sock" -n "$ns" tasks ls -q 2>/dev/null); do
        ctr --address "$sock" -n "$ns" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
      done
      for id in $(ctr --address "$sock" -n "$ns" tasks ls -q 2>/dev/null); do
        ctr --address "$sock" -n "$ns" tasks delete -f "$id" >/dev/null 2>&1 || true
      done
      for id in $(ctr --address "$sock" -n "$ns" containers ls -q 2>/dev/null); do
        ctr --address "$sock" -n "$ns" containers delete "$id" >/dev/null 2>&1 || true
        # libcni's cached results of a sandbox whose network CRI never tore down.
        rm -f "/var/lib/cni/results/cni-loopback-$id-lo" /var/lib/cni/results/"$cni_network-$id"-*
      done
    done
  fi
  stop containerd
  # Container processes and shims that outlived all that: the shims carry our socket's path,
  # the containers live under our cgroup root.
  local pid d
  for pid in $(pgrep -f -- "-address $sock" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  while read -r d; do
    [[ -d $d ]] || continue
    find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  done < <(cgroup_dirs)
  stop registry
  stop kube-apiserver
  stop etcd
  # Mounts the kubelet and containerd made under the state directory (volumes, rootfs, shm,
  # network namespaces).
  local m i
  for ((i = 0; i < 5; i++)); do
    for m in $(our_mounts); do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
    [[ -z $(our_mounts) ]] && break
    sleep 0.5
  done
  [[ -z $(our_mounts) ]] || die "could not unmount: $(our_mounts | tr '\n' ' ')"
  # The kubelet's cgroups, deepest first (each is empty now).
  while read -r d; do
    [[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done < <(cgroup_dirs)
  # Interfaces: the bridge, and any pod veth still attached to it.
  for d in $(ip -o link show master "$bridge" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link delete "$d" 2>/dev/null || true
  done
  ip link delete "$bridge" 2>/dev/null || true
  # libcni's result cache and the kubelet's /var/log/containers links into our pod logs.
  rm -f /var/lib/cni/results/"$cni_network"-* 2>/dev/null || true
  find /var/log/containers -maxdepth 1 -type l -lname "$state/*" -delete 2>/dev/null || true
  # The host directories the first up found missing (note_host_dirs), deepest first and only if
  # empty, unless another kubelet (another cluster) still uses them.
  local other=0
  for pid in $(pgrep -x kubelet || true); do
    alive "$pid" && other=1 # ours may linger as a zombie where nothing reaps orphans
  done
  if ((!other)); then
    rm -f /var/lib/kubelet/device-plugins/kubelet.sock
    [[ -f $state/created-host-dirs ]] && sort -r "$state/created-host-dirs" | xargs -r rmdir 2>/dev/null || true
  fi
  rm -rf "$state"
  say "down: stopped and removed $state"
}

case ${1:-} in
  build)
    build
    echo "$bin/slant-k8s"
    ;;
  up) up ;;
  down) down ;;
  status) status ;;
  kubeconfig) echo "$kubeconfig" ;;
  is-built)
    [[ -x $bin/slant-k8s ]] ||
      die "the cluster's binary is not built for these sources ($bin/slant-k8s); run scripts/k8s-cluster.sh build (11-45 minutes the first time)"
    ;;
  kubectl-path)
    build
    echo "$bin/kubectl"
    ;;
  registry)
    [[ -f $state/ports.env ]] || die "the cluster was never started ($state/ports.env missing)"
    source "$state/ports.env"
    echo "localhost:$REGISTRY_PORT"
    ;;
  env)
    echo "export KUBECONFIG=$kubeconfig"
    echo "export PATH=$bin:\$PATH"
    ;;
  *)
    awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0" >&2
    exit 2
    ;;
esac
