package io.labforge.orchestrator.planner;

import tools.jackson.databind.JsonNode;

/**
 * A value the plan holds once for all the steps that use it (the lab's hosts list, which every host's
 * {@code /etc/hosts} step writes): steps carry a reference ({@code {"$shared": name}}), resolved when each is
 * dispatched, so a lab of N hosts does not plan, store or load N copies of it. Made by
 * {@link PlanBuilder#shared}, given to a step through {@link StepDraft#share}.
 *
 * @param <T> the value's type: the type of the command component it fills
 */
public final class Shared<T> {
    private final String name;
    private final Class<?> type;
    private final JsonNode json;

    Shared(String name, Class<?> type, JsonNode json) {
        this.name = name;
        this.type = type;
        this.json = json;
    }

    public String name() {
        return name;
    }

    Class<?> type() {
        return type;
    }

    JsonNode json() {
        return json;
    }
}
