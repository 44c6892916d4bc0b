#!/usr/bin/env bash
# End-to-end proof that scripts/k8s-cluster.sh gives a real cluster (issue 7): up; an image built
# FROM scratch with Debian's static busybox and pushed to the cluster's registry; a Deployment and
# a Job from it; the pod Ready and the Job complete; logs; kubectl exec; a file copied in with a
# tar stream through exec; kubectl port-forward reached with a request; everything deleted; down;
# then no process, mount, interface or cgroup of the cluster is left.
#
# The cluster gets its own state directory (SLANT_K8S_STATE, a temporary directory unless set),
# so it never touches a developer's cluster. Needs root. Exits non-zero with a message naming
# what failed, and always tears down.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cluster=$root/scripts/k8s-cluster.sh
work=$(mktemp -d /tmp/slant-k8s-test.XXXXXX)
export SLANT_K8S_STATE=${SLANT_K8S_STATE:-$work/state}
ns=slant-k8s-test
tag=t$$-$RANDOM
image=
docker_image=
forward_pid=
step=start
# What of the host the cluster might touch, before it starts: compared after down.
host_snapshot() {
  iptables-save 2>/dev/null | grep -oE '^:(KUBE|CNI)-[A-Z0-9-]*' | sort
  ls -d /var/lib/kubelet /usr/libexec/kubernetes /var/log/pods /var/log/containers \
    /var/run/kubernetes /var/lib/cni 2>/dev/null
  find /var/lib/cni/results -name 'slant-k8s-*' -o -name 'cni-loopback-*' 2>/dev/null
  true
}
host_before=$(host_snapshot)

kubectl_bin=kubectl
kctl() { "$kubectl_bin" --kubeconfig="$SLANT_K8S_STATE/kubeconfig" "$@"; }
log() { echo "k8s_cluster_test: $*" >&2; }
fail() {
  log "FAIL ($step): $*"
  exit 1
}

# Runs at exit, success or not: deletes what the test made, takes the cluster down and checks
# that nothing of it is left. A leak fails the test even when every step before passed.
teardown() {
  local rc=$? leaks=()
  set +e
  [[ -n $forward_pid ]] && kill "$forward_pid" 2>/dev/null && wait "$forward_pid" 2>/dev/null
  if [[ -f $SLANT_K8S_STATE/kubeconfig && $rc -ne 0 ]]; then
    log "cluster status at failure:"
    bash "$cluster" status >&2
    kctl get all -A -o wide >&2 2>&1
    kctl -n "$ns" describe pods >&2 2>&1 | tail -n 40
  fi
  [[ -n $docker_image ]] && docker rmi -f "$docker_image" >/dev/null 2>&1
  step=down
  local id
  id=$(printf '%s' "$SLANT_K8S_STATE" | sha256sum | cut -c1-6)
  if ! bash "$cluster" down; then
    leaks+=("down failed")
  fi
  pgrep -af -- "$SLANT_K8S_STATE" >/dev/null && leaks+=("processes: $(pgrep -af -- "$SLANT_K8S_STATE" | tr '\n' ';')")
  grep -qF "$SLANT_K8S_STATE" /proc/self/mounts && leaks+=("mounts: $(grep -F "$SLANT_K8S_STATE" /proc/self/mounts | awk '{print $2}' | tr '\n' ' ')")
  ip link show "slk8s-$id" >/dev/null 2>&1 && leaks+=("interface slk8s-$id")
  local d
  for d in /sys/fs/cgroup/*/"slant-k8s-$id"; do
    [[ -e $d ]] && leaks+=("cgroup $d")
  done
  [[ -e $SLANT_K8S_STATE ]] && leaks+=("state directory $SLANT_K8S_STATE")
  local host_after
  host_after=$(host_snapshot)
  [[ $host_after == "$host_before" ]] ||
    leaks+=("on the host (iptables chains, directories): $(diff <(echo "$host_before") <(echo "$host_after") | grep '^[<>]' | tr '\n' ' ')")
  rm -rf "$work"
  if ((${#leaks[@]})); then
    log "FAIL (down): left behind: ${leaks[*]}"
    exit 1
  fi
  if ((rc == 0)); then
    log "PASS: cluster up, image pushed, Deployment Ready, Job complete, logs, exec, tar copy, port-forward, cleanup, down with nothing left"
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

[[ $(id -u) -eq 0 ]] || fail "needs root (the kubelet manages mounts, cgroups and network namespaces)"

# The build (minutes) belongs to scripts/test.sh, before ctest, not to this test's time limit.
step=build
bash "$cluster" is-built || fail "build the cluster first: scripts/k8s-cluster.sh build"

step=up
t0=$SECONDS
bash "$cluster" up || fail "scripts/k8s-cluster.sh up failed"
log "up took $((SECONDS - t0)) s"
kubectl_bin=$(bash "$cluster" kubectl-path)
[[ $(bash "$cluster" kubeconfig) == "$SLANT_K8S_STATE/kubeconfig" ]] ||
  fail "scripts/k8s-cluster.sh kubeconfig does not print $SLANT_K8S_STATE/kubeconfig"
registry=$(bash "$cluster" registry)
[[ $(kctl config current-context) == slant-local ]] || fail "kubeconfig's context is not slant-local"
bash "$cluster" up >/dev/null 2>&1 || fail "a second up (nothing to do) failed"

step=local-registry-hosting
[[ $(kctl -n kube-public get configmap local-registry-hosting -o jsonpath='{.data.localRegistryHosting\.v1}') == *"host: \"$registry\""* ]] || fail "ConfigMap kube-public/local-registry-hosting does not name $registry"

step=image
busybox=$(command -v busybox) || fail "busybox is not installed (busybox-static)"
ldd "$busybox" >/dev/null 2>&1 && fail "$busybox is not static"
image=$registry/slant-k8s-test:$tag
mkdir -p "$work/ctx"
cp "$busybox" "$work/ctx/busybox"
if [[ -x $root/scripts/docker.sh ]]; then bash "$root/scripts/docker.sh" start >/dev/null 2>&1 || true; fi
if docker info >/dev/null 2>&1; then
  log "building $image with docker"
  cat >"$work/ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENTRYPOINT ["/bin/sh"]
EOF
  docker build -q -t "$image" "$work/ctx" >/dev/null || fail "docker build of $image failed"
  docker_image=$image
  docker push "$image" >/dev/null || fail "docker push $image failed"
else
  # No dockerd: the same image as a `docker save` archive, pushed through a scratch namespace
  # of the cluster's own containerd.
  log "building $image without docker (no dockerd answers)"
  mkdir -p "$work/rootfs/bin"
  cp "$busybox" "$work/rootfs/bin/busybox"
  for applet in $("$busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$work/rootfs/bin/$applet"
  done
  bash "$root/scripts/k8s/image-archive.sh" "$image" "$work/rootfs" "$work/image.tar" /bin/sh \
    >/dev/null || fail "packing $image failed"
  sock=$SLANT_K8S_STATE/containerd/containerd.sock
  ctr --address "$sock" -n slant-test images import "$work/image.tar" >/dev/null ||
    fail "ctr images import of $image failed"
  ctr --address "$sock" -n slant-test images push --plain-http "$image" >/dev/null ||
    fail "ctr images push $image failed"
  ctr --address "$sock" -n slant-test images rm "$image" >/dev/null
fi
[[ $(curl -fsS "http://127.0.0.1:${registry#*:}/v2/slant-k8s-test/tags/list") == *"\"$tag\""* ]] ||
  fail "the registry does not list slant-k8s-test:$tag after the push"

step=apply
payload="copied through exec $tag"
kctl create namespace "$ns" >/dev/null
kctl -n "$ns" apply -f - >/dev/null <<EOF || fail "kubectl apply failed"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: $image
        args: ["-c", "mkdir -p /www && echo hello from slant > /www/index.html && echo web serving && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080}]
        readinessProbe:
          tcpSocket: {port: 8080}
          periodSeconds: 1
---
apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: once
        image: $image
        args: ["-c", "echo job ran on \$(hostname) && test -x /bin/wget"]
EOF

step=rollout
kctl -n "$ns" rollout status deployment/web --timeout=180s >&2 ||
  fail "deployment/web did not become available"
pod=$(kctl -n "$ns" get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
kctl -n "$ns" wait --for=condition=Ready "pod/$pod" --timeout=60s >/dev/null ||
  fail "pod $pod is not Ready"
step=job
kctl -n "$ns" wait --for=condition=complete job/once --timeout=180s >/dev/null ||
  fail "job/once did not complete"

step=logs
[[ $(kctl -n "$ns" logs "pod/$pod") == *"web serving"* ]] || fail "pod $pod's log lacks 'web serving'"
[[ $(kctl -n "$ns" logs job/once) == "job ran on once-"* ]] || fail "job/once's log lacks 'job ran on'"

step=exec
out=$(kctl -n "$ns" exec "$pod" -- cat /www/index.html) || fail "kubectl exec failed"
[[ $out == "hello from slant" ]] || fail "kubectl exec cat printed '$out'"

step=tar-copy
mkdir -p "$work/copy/sub"
printf '%s\n' "$payload" >"$work/copy/sub/payload.txt"
tar -C "$work/copy" -cf - sub | kctl -n "$ns" exec -i "$pod" -- tar -xf - -C /www ||
  fail "tar stream through kubectl exec -i failed"
out=$(kctl -n "$ns" exec "$pod" -- cat /www/sub/payload.txt)
[[ $out == "$payload" ]] || fail "the copied file holds '$out'"

step=port-forward
kctl -n "$ns" port-forward "pod/$pod" :8080 >"$work/forward.log" 2>&1 &
forward_pid=$!
for ((i = 0; i < 120; i++)); do
  grep -q '^Forwarding from 127.0.0.1:' "$work/forward.log" && break
  kill -0 "$forward_pid" 2>/dev/null || fail "kubectl port-forward exited: $(cat "$work/forward.log")"
  sleep 0.25
done
local_port=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) .*/\1/p' "$work/forward.log" | head -n1)
[[ -n $local_port ]] || fail "kubectl port-forward printed no local port: $(cat "$work/forward.log")"
out=$(curl -fsS --max-time 30 "http://127.0.0.1:$local_port/sub/payload.txt") ||
  fail "request through port-forward 127.0.0.1:$local_port failed"
[[ $out == "$payload" ]] || fail "port-forward answered '$out'"
kill "$forward_pid"
wait "$forward_pid" 2>/dev/null || true
forward_pid=

step=delete
kctl delete namespace "$ns" --wait=true --timeout=120s >/dev/null ||
  fail "namespace $ns was not deleted"
left=$(kctl get pods -A --no-headers 2>/dev/null | grep -c . || true)
((left == 0)) || fail "$left pods left after deleting $ns"
log "all steps passed; tearing down"
