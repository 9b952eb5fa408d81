/** Kubernetes' contracts (R24–R30): the {@code kubernetes} section of the lab file. */
package io.labforge.common.lab.kubernetes;
