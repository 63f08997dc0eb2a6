#pragma once

#include "policy/policy.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTextBrowser;

namespace fallback::ui {

/// What an edited policy changes against the applied one, for the
/// Namespaces tab: field by field (`product.ttl: 300s → 120s`,
/// `+ namespace pricing` with its values, `- namespace session`) or as a
/// line diff of the two YAML files. Read-only. GUI thread only.
///
/// Object names for tests: `diffModeCombo`, `diffText`, `diffTitle`.
class PolicyDiffView : public QWidget {
    Q_OBJECT

public:
    enum class Mode { Fields, Yaml };
    Q_ENUM(Mode)

    explicit PolicyDiffView(QWidget* parent = nullptr);

    /// Shows what going from `applied` to `edited` changes.
    void setPolicies(const Policy& applied, const Policy& edited);
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }

    /// Field-level changes shown (0 when the policies match).
    int changeCount() const { return m_changeCount; }
    /// The diff as shown, one line each, for tests and copying.
    QString plainText() const;

    /// The line diff of two texts: each line prefixed `  ` (both), `- `
    /// (only in `before`) or `+ ` (only in `after`), longest common
    /// subsequence first.
    static QStringList lineDiff(const QStringList& before, const QStringList& after);

protected:
    void changeEvent(QEvent* event) override;

private:
    void render();

    Policy m_applied;
    Policy m_edited;
    Mode m_mode = Mode::Fields;
    int m_changeCount = 0;
    QLabel* m_title = nullptr;
    QComboBox* m_modeCombo = nullptr;
    QTextBrowser* m_text = nullptr;
};

} // namespace fallback::ui
