/** Lab secrets' contracts: the {@code {secret: NAME}} reference and the orchestrator's step that reads a secret. */
package io.labforge.common.lab.secret;
