/**
 * The firewall feature's contracts (R2, R16): the {@code firewall} setting of hosts and roles, its
 * value types (zone, service; ports are {@link io.labforge.common.net.PortRange}), and the commands
 * that open and close them on a host.
 */
package io.labforge.common.lab.firewall;
