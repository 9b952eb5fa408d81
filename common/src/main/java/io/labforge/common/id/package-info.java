/** Typed ids, validated at construction. */
package io.labforge.common.id;
