/** Every executor of the agent, one package per feature, registered in AgentExecutors. */
package io.labforge.agent.executor;
