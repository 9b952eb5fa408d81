/** Host basics' contracts (R1): setting a host's name and the block of {@code /etc/hosts} Labforge owns. */
package io.labforge.common.lab.host;
