package dev.distill.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read into stages and instructions (continuation lines joined, heredoc bodies kept).
 */
record Dockerfile(Path path, List<Stage> stages) {

    record Instruction(String keyword, String args, String heredoc) {}

    record Stage(String image, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword.equals(keyword)).toList();
        }

        /** ENV as the stage ends up with it (KEY=VALUE pairs, quotes removed; later ENV wins). */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            Pattern pair = Pattern.compile("(\\w+)=(\"[^\"]*\"|'[^']*'|\\S+)");
            for (Instruction i : all("ENV")) {
                Matcher m = pair.matcher(i.args);
                while (m.find()) {
                    String v = m.group(2);
                    if ((v.startsWith("\"") && v.endsWith("\""))
                            || (v.startsWith("'") && v.endsWith("'"))) {
                        v = v.substring(1, v.length() - 1);
                    }
                    env.put(m.group(1), v);
                }
            }
            return env;
        }

        Optional<String> user() {
            List<Instruction> users = all("USER");
            return users.isEmpty()
                    ? Optional.empty()
                    : Optional.of(users.get(users.size() - 1).args.trim());
        }
    }

    Stage last() {
        return stages.get(stages.size() - 1);
    }

    Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name)).findFirst();
    }

    static Dockerfile read(Path path) {
        List<String> lines = Sources.read(path).lines().toList();
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        StringBuilder logical = new StringBuilder();
        Pattern heredocStart = Pattern.compile("<<-?['\"]?(\\w+)['\"]?");
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (logical.length() == 0 && (line.isBlank() || line.trim().startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            logical.append(line);
            String text = logical.toString().trim();
            logical.setLength(0);
            String heredoc = null;
            Matcher h = heredocStart.matcher(text);
            if (h.find()) {
                StringBuilder body = new StringBuilder();
                for (n++; n < lines.size() && !lines.get(n).equals(h.group(1)); n++) {
                    body.append(lines.get(n)).append('\n');
                }
                heredoc = body.toString();
            }
            String[] parts = text.split("\\s+", 2);
            Instruction ins =
                    new Instruction(
                            parts[0].toUpperCase(Locale.ROOT),
                            parts.length > 1 ? parts[1] : "",
                            heredoc);
            if (ins.keyword.equals("FROM")) {
                String[] from = ins.args.split("\\s+");
                String name = from.length >= 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
                current = new ArrayList<>();
                stages.add(new Stage(from[0], name, current));
            } else if (current == null) {
                throw new AssertionError(path + ": " + ins.keyword + " before the first FROM");
            } else {
                current.add(ins);
            }
        }
        return new Dockerfile(path, stages);
    }
}
