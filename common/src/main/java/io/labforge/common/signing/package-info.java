/** Ed25519 signatures of commands, and the keys. */
package io.labforge.common.signing;
