package dev.distill.recipes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The lineage of a recipe's final checkpoint: no stream offsets (it was not trained from Kafka) but
 * the recipe and the data files that made it, so checkpoint.json alone says how to reproduce the
 * weights.
 */
record RecipeLineage(Recipe recipe, String recipeSha256, Map<String, String> dataSha256) {
    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("kind", "recipe");
        n.put("recipe", recipe.name());
        n.put("recipe_sha256", recipeSha256);
        ObjectNode d = n.putObject("data_sha256");
        dataSha256.forEach(d::put);
        return n;
    }
}
