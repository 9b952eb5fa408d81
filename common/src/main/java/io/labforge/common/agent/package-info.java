/** What agents say of themselves (presence, facts), and the no-op command. */
package io.labforge.common.agent;
