/**
 * The registry feature's contracts (R6, R19): the {@code registryTrust} setting of hosts and roles, and
 * the commands that make a host's Docker trust a registry's CA and run the lab's own registry.
 */
package io.labforge.common.lab.registry;
