// The builtin families of the Tiltfile API, registered in one place (builtins.cc), and the
// assembly steps that turn each family's state into the project model, in Tilt's order.
#pragma once

#include "starlark/starlark.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// Every predeclared name of a Tiltfile (besides the Starlark universe and the per-file
/// __file__/__name__): Tilt's builtins and modules (os, sys, shlex, config, v1alpha1, ...).
starlark::StringDict makeBuiltins();

/// Turns the families' state into resources, images and settings after the main Tiltfile ran.
/// Errors are Tilt's assembly errors ("k8s_resource: no matching resource foo").
starlark::Result<void> assemble(State& state);

// Each family: its builtins, and (for those that make resources) its assembly step.
void addCoreBuiltins(starlark::StringDict& d);  // core.cc: print helpers, warn, fail, exit, struct,
                                                // module, load_dynamic, include
void addDataBuiltins(
    starlark::StringDict& d);  // data.cc: read_*, encode/decode_*, blob, listdir, watch_file
void addOsBuiltins(starlark::StringDict& d);     // os.cc: os, sys, shlex
void addBuildBuiltins(starlark::StringDict& d);  // build.cc: docker_build, custom_build,
                                                 // default_registry, live update steps
void addK8sBuiltins(
    starlark::StringDict& d);  // k8s.cc: k8s_yaml, k8s_resource, k8s_kind, filter_yaml, ...
void addK8sToolBuiltins(
    starlark::StringDict& d);  // k8s_tools.cc: kustomize, helm, k8s_custom_deploy, k8s_context, ...
void addComposeBuiltins(starlark::StringDict& d);  // compose.cc: docker_compose, dc_resource
void addLocalBuiltins(
    starlark::StringDict& d);  // local.cc: local_resource, test, local, probes, link, trigger modes
void addSettingsBuiltins(
    starlark::StringDict& d);                     // settings.cc: update_settings, ci_settings, ...
void addConfigBuiltins(starlark::StringDict& d);  // config.cc: config.*
void addApiBuiltins(starlark::StringDict& d);     // v1alpha1.cc: v1alpha1.*

starlark::Result<void> assembleImages(State& state);  // build.cc
starlark::Result<void> assembleK8s(State& state);     // k8s.cc
starlark::Result<void> assembleK8sTools(
    State& state);  // k8s_tools.cc (custom deploys, context check)
starlark::Result<void> assembleCompose(State& state);           // compose.cc
starlark::Result<void> assembleLocal(State& state);             // local.cc
starlark::Result<void> assembleApiObjects(State& state);        // v1alpha1.cc
starlark::Result<void> assembleEnabledResources(State& state);  // config.cc

}  // namespace slant::tiltfile
