/** YAML that Labforge writes for other tools (kubeadm's configuration, compose files): built as data, never pasted as text. */
package io.labforge.common.yaml;
