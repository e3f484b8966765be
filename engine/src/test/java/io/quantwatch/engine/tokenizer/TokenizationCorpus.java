package io.quantwatch.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded multilingual test corpus: prose in many scripts, code, numbers, emoji sequences, unusual whitespace, and a
 * vocabulary's own added tokens (user-defined ones, which must become tokens, and control ones, which must stay text)
 * dropped between and inside the rest.
 */
final class TokenizationCorpus {
    static final List<String> PROSE = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "I'll tell you what they've said: it's done, we'd go, you're right.",
            "Größere Äpfel über Straßen; naïve café résumé, Ærøskøbing.",
            "¿Dónde está la biblioteca? ¡Muy bien! Ça va, garçon.",
            "Ответь одним предложением: почему небо голубое?",
            "Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.",
            "مرحبا بالعالم، كيف حالك اليوم؟",
            "שלום עולם, מה שלומך?",
            "नमस्ते दुनिया, आप कैसे हैं? क्षत्रिय",
            "আমি বাংলায় গান গাই।",
            "สวัสดีครับ ยินดีที่ได้รู้จัก",
            "我想在apple工作1314151天～今天天气很好。",
            "日本語のテキスト、カタカナとひらがな。東京タワー",
            "한국어 문장입니다. 안녕하세요!",
            "Tiếng Việt có dấu: Nguyễn Thị Minh Khai, đường phố.",
            "İstanbul'da ılık bir gün; DİKKAT ışık.",
            "e\u0301 combining acute, a\u0308 and n\u0303 with marks",
            "Zero\u200bwidth\u200bspace and soft\u00adhyphen and\u2060joiner",
            "full-width ｆｕｌｌ１２３！ and ideographic\u3000space 全角！\u3000！标点");
    static final List<String> CODE = List.of(
            "public static void main(String[] args) {\n    System.out.println(\"hi\");\n}",
            "def f(x):\n\tif x > 0:\n\t\treturn x ** 2\n    return -x  # comment",
            "{\"tool\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"days\": 3, \"ok\": true}}",
            "SELECT id, SUM(amount) FROM orders WHERE ts >= '2026-01-01' GROUP BY id HAVING COUNT(*) > 3;",
            "cat log.txt | grep -E '^[0-9]{4}-' | awk '{print $2}' > out && echo $?",
            "<table><tr><th>Name</th><td>Value</td></tr></table>",
            "| col a | col b |\n|-------|------:|\n| 1     | 2.5   |",
            "const re = /^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+)@example\\.com$/i;",
            "x=[1,22,333,4444,55555]; y = {k: v for k, v in zip(a, b)}",
            "if (a != b && c <= d || !e) { i++; j--; k += 2; }",
            "```python\nprint('fenced')\n```");
    static final List<String> NUMBERS = List.of(
            "3 33 333 3333 33333 333333 3333333 33333333",
            "3.14159 -42 +7 1,000,000 1.5e-10 0x1F 0b1010 00042",
            "Call 555-0123 at 10:30, ref #A1B2C3; total $1,234.56 (+7%)",
            "2026-12-08T01:49:20Z, 12/08/2026, v1.2.3-rc.4",
            "٣٤٥ ١٢٣ Ⅻ ½ ¾ ²³ ① ⑳",
            "transfer 2791.45 EUR to IBAN DE89 3704 0044 0532 0130 00");
    static final List<String> EMOJI = List.of(
            "emoji 😀👍🏽 and 🇫🇷🇯🇵 flags",
            "family 👨‍👩‍👧‍👦 and 🏳️‍🌈 and keycap 1️⃣ #️⃣",
            "🦙🦙 ✅ 🚀 (normal) 😶‍🌫️ (multiple emojis concatenated)",
            "math ∑∫√∞≠≤≥ arrows ←→↔ box ┌─┐│└┘");
    static final List<String> WHITESPACE = List.of(
            " ",
            "  ",
            "   ",
            "    ",
            "        ",
            "\t",
            "\t\t",
            "\n",
            "\n\n",
            "\n\n\n",
            "\r\n",
            " \n ",
            "\u00a0",
            "\u2003",
            "\u3000",
            "\u2028",
            " \t \n",
            "                                        ",
            "\n\n\n\n\n\n");

    private TokenizationCorpus() {}

    /**
     * {@code count} texts: every fixed text alone, then random compositions of 1–8 pieces (prose, code, numbers,
     * emoji, whitespace, the vocabulary's added tokens) with random separators, then a few long mixed texts.
     */
    static List<String> texts(long seed, int count, List<String> userDefined, List<String> control) {
        List<String> texts = new ArrayList<>();
        List<List<String>> kinds = new ArrayList<>(List.of(PROSE, CODE, NUMBERS, EMOJI, WHITESPACE));
        for (List<String> kind : kinds) {
            texts.addAll(kind);
        }
        texts.addAll(userDefined);
        texts.addAll(control);
        if (!userDefined.isEmpty()) {
            kinds.add(userDefined);
            kinds.add(userDefined);
        }
        if (!control.isEmpty()) {
            kinds.add(control);
        }
        Random rnd = new Random(seed);
        String[] separators = {"", " ", "  ", "\n", "\n\n", "\t", " \n"};
        while (texts.size() < count - 4) {
            StringBuilder text = new StringBuilder();
            int pieces = 1 + rnd.nextInt(8);
            for (int i = 0; i < pieces; i++) {
                if (i > 0) {
                    text.append(separators[rnd.nextInt(separators.length)]);
                }
                List<String> kind = kinds.get(rnd.nextInt(kinds.size()));
                String piece = kind.get(rnd.nextInt(kind.size()));
                if (rnd.nextInt(4) == 0 && piece.length() > 4) {
                    // A piece cut at a code point boundary: tokens glued to partial words.
                    int cut = piece.offsetByCodePoints(0, rnd.nextInt(piece.codePointCount(0, piece.length())));
                    piece = rnd.nextBoolean() ? piece.substring(0, cut) : piece.substring(cut);
                }
                text.append(piece);
            }
            texts.add(text.toString());
        }
        while (texts.size() < count) {
            StringBuilder text = new StringBuilder();
            while (text.length() < 20_000) {
                List<String> kind = kinds.get(rnd.nextInt(kinds.size()));
                text.append(kind.get(rnd.nextInt(kind.size()))).append(separators[rnd.nextInt(separators.length)]);
            }
            texts.add(text.toString());
        }
        return texts;
    }
}
