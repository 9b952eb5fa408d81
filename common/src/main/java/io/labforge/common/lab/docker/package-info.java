/**
 * The Docker daemon feature's contracts (R4, R15, R19): the {@code docker} setting of hosts and roles
 * ({@code daemon.json} keys and {@code tls-port}), and the commands that install Docker and set its
 * configuration.
 */
package io.labforge.common.lab.docker;
