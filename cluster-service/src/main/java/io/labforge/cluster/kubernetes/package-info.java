/** Kubernetes through the cluster's API (fabric8): manifests applied, awaited, removed (R26, R28–R30; under way). */
package io.labforge.cluster.kubernetes;
