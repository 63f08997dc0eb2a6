#include "widgets/policydiffview.h"

#include "policy/policyfields.h"
#include "policy/policyloader.h"

#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <vector>

namespace fallback::ui {

namespace {

struct DiffColors {
    QString added, removed, changed, muted;
};

DiffColors colorsFor(const QPalette& palette)
{
    // Darker inks on a light base, lighter ones on a dark base.
    if (palette.color(QPalette::Base).lightness() < 128)
        return {QStringLiteral("#7ee787"), QStringLiteral("#ff7b72"), QStringLiteral("#e3b341"),
                palette.color(QPalette::PlaceholderText).name()};
    return {QStringLiteral("#1a7f37"), QStringLiteral("#c62828"), QStringLiteral("#9a6700"),
            palette.color(QPalette::PlaceholderText).name()};
}

QString span(const QString& text, const QString& color)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(color, text.toHtmlEscaped());
}

QStringList yamlLines(const Policy& policy)
{
    return QString::fromStdString(writePolicyYaml(policy)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QString valuesLine(const NamespacePolicy& ns)
{
    // The table's short names, so that the line stays narrow.
    return QStringLiteral("version %1 · ttl %2 · swr %3 · sie %4 · max %5 · %6")
        .arg(QString::number(ns.version), QString::fromStdString(formatDuration(ns.ttl)),
             QString::fromStdString(formatDuration(ns.staleWhileRevalidate)),
             QString::fromStdString(formatDuration(ns.staleIfError)),
             QString::fromStdString(formatSize(ns.maxObjectSize)),
             QString::fromUtf8(writeModeName(ns.writeMode)));
}

} // namespace

PolicyDiffView::PolicyDiffView(QWidget* parent) : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("diffTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);

    m_modeCombo = new QComboBox(this);
    m_modeCombo->setObjectName(QStringLiteral("diffModeCombo"));
    m_modeCombo->addItem(tr("Fields"), QVariant::fromValue(Mode::Fields));
    m_modeCombo->addItem(tr("YAML"), QVariant::fromValue(Mode::Yaml));
    m_modeCombo->setToolTip(tr("Show the changes field by field, or as a diff of the policy files"));
    connect(m_modeCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { setMode(m_modeCombo->itemData(index).value<Mode>()); });

    m_text = new QTextBrowser(this);
    m_text->setObjectName(QStringLiteral("diffText"));
    m_text->setOpenLinks(false);
    m_text->setLineWrapMode(QTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->document()->setDocumentMargin(6);

    auto* header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(m_title, 1);
    header->addWidget(m_modeCombo);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addWidget(m_text, 1);
    render();
}

void PolicyDiffView::setPolicies(const Policy& applied, const Policy& edited)
{
    if (applied == m_applied && edited == m_edited)
        return;
    m_applied = applied;
    m_edited = edited;
    render();
}

void PolicyDiffView::setMode(Mode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    m_modeCombo->setCurrentIndex(m_modeCombo->findData(QVariant::fromValue(mode)));
    render();
}

QString PolicyDiffView::plainText() const { return m_text->toPlainText(); }

QStringList PolicyDiffView::lineDiff(const QStringList& before, const QStringList& after)
{
    // Policies are a few dozen lines: the plain O(n·m) table is plenty.
    const auto n = static_cast<std::size_t>(before.size());
    const auto m = static_cast<std::size_t>(after.size());
    std::vector<std::vector<int>> common(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            common[i][j] = before[static_cast<qsizetype>(i)] == after[static_cast<qsizetype>(j)]
                               ? common[i + 1][j + 1] + 1
                               : std::max(common[i + 1][j], common[i][j + 1]);
    QStringList out;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && before[static_cast<qsizetype>(i)] == after[static_cast<qsizetype>(j)]) {
            out << QStringLiteral("  ") + before[static_cast<qsizetype>(i++)];
            ++j;
        } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
            out << QStringLiteral("- ") + before[static_cast<qsizetype>(i++)]; // removals first, as diff(1)
        } else {
            out << QStringLiteral("+ ") + after[static_cast<qsizetype>(j++)];
        }
    }
    return out;
}

void PolicyDiffView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        render();
}

void PolicyDiffView::render()
{
    const std::vector<PolicyChange> changes = diffPolicy(m_applied, m_edited);
    m_changeCount = static_cast<int>(changes.size());
    m_title->setText(changes.empty() ? tr("Changes against the applied policy")
                                     : tr("Changes against the applied policy (%1)").arg(m_changeCount));
    const DiffColors colors = colorsFor(palette());

    QStringList html;
    if (changes.empty()) {
        html << span(tr("No changes: the edited policy is the one in force."), colors.muted);
    } else if (m_mode == Mode::Fields) {
        for (const PolicyChange& change : changes) {
            const QString line = QString::fromStdString(change.describe());
            switch (change.kind) {
            case PolicyChange::Kind::Added:
                html << span(line, colors.added);
                if (const NamespacePolicy* ns = m_edited.find(change.ns))
                    html << span(QStringLiteral("    ") + valuesLine(*ns), colors.muted);
                break;
            case PolicyChange::Kind::Removed: html << span(line, colors.removed); break;
            case PolicyChange::Kind::Changed: html << span(QStringLiteral("~ ") + line, colors.changed); break;
            }
        }
    } else {
        // Changed lines with one line of context and the `- name:` line of
        // their namespace, so the eye lands on the changes, not the file.
        const QStringList lines = lineDiff(yamlLines(m_applied), yamlLines(m_edited));
        std::vector<bool> keep(static_cast<std::size_t>(lines.size()), false);
        qsizetype nameLine = -1;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (lines[i].contains(QLatin1String("- name: ")))
                nameLine = i;
            if (lines[i].startsWith(QLatin1String("  ")))
                continue;
            for (qsizetype j : {nameLine, i - 1, i, i + 1})
                if (j >= 0 && j < lines.size())
                    keep[static_cast<std::size_t>(j)] = true;
        }
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QString& line = lines[i];
            if (!keep[static_cast<std::size_t>(i)]) {
                if (i > 0 && keep[static_cast<std::size_t>(i - 1)])
                    html << span(QStringLiteral("  …"), colors.muted);
            } else if (line.startsWith(QLatin1Char('+'))) {
                html << span(line, colors.added);
            } else if (line.startsWith(QLatin1Char('-'))) {
                html << span(line, colors.removed);
            } else {
                html << line.toHtmlEscaped();
            }
        }
    }
    m_text->setHtml(QStringLiteral("<pre style=\"margin:0\">") + html.join(QLatin1Char('\n'))
                    + QStringLiteral("</pre>"));
}

} // namespace fallback::ui
