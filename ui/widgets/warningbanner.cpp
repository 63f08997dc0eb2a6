#include "widgets/warningbanner.h"

#include "widgets/banner.h"
#include "workspaces/workspace.h"

#include <QLabel>
#include <QScrollBar>

#include <algorithm>

namespace fallback::ui {

WarningBanner::WarningBanner(QWidget* parent) : QScrollArea(parent), m_label(new QLabel)
{
    setObjectName(QStringLiteral("warningBanner"));
    setStyleSheet(
        Banner::styleSheet(Banner::Tone::Warn, QStringLiteral("QScrollArea#warningBanner")) +
        QStringLiteral(" QScrollArea#warningBanner { padding: 0; }"
                       " QLabel#warningText { background: transparent; padding: 5px 8px; }"));
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setWidgetResizable(true);
    viewport()->setAutoFillBackground(false); // the banner's tint shows through
    m_label->setObjectName(QStringLiteral("warningText"));
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::RichText); // built here, every warning escaped
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse); // to paste into a ticket
    m_label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    setWidget(m_label);
    hide();
}

void WarningBanner::setWorkspace(Workspace* workspace)
{
    if (m_workspace == workspace)
        return;
    if (m_workspace)
        disconnect(m_workspace, nullptr, this, nullptr);
    m_workspace = workspace;
    if (workspace) {
        connect(workspace, &Workspace::warningsChanged, this, &WarningBanner::setWarnings);
        // A deleted workspace's warnings leave with it.
        connect(workspace, &QObject::destroyed, this, [this] { setWarnings({}); });
    }
    setWarnings(workspace ? workspace->warnings() : QStringList());
}

void WarningBanner::setWarnings(const QStringList& warnings)
{
    m_warnings = warnings;
    setVisible(!warnings.isEmpty());
    if (warnings.isEmpty()) {
        m_label->clear();
        return;
    }
    // A table, so that a wrapped warning stays indented under its bullet.
    QString html = QStringLiteral("<b>%1</b><table cellspacing=\"0\" cellpadding=\"0\">")
                       .arg(tr("The node warns:").toHtmlEscaped());
    for (const QString& warning : warnings)
        html += QStringLiteral("<tr><td style=\"padding: 3px 6px 0 2px\">•</td>"
                               "<td style=\"padding-top: 3px\">%1</td></tr>")
                    .arg(warning.toHtmlEscaped());
    m_label->setText(html + QStringLiteral("</table>"));
    verticalScrollBar()->setValue(0);
    updateGeometry();
}

int WarningBanner::heightForWidth(int width) const
{
    const int frame = 2 * frameWidth();
    const int text = m_label->heightForWidth(std::max(1, width - frame));
    const int most =
        kMaxLines * fontMetrics().lineSpacing() + frame + 10; // 10: the label's padding
    return std::min(text + frame, most);
}

QSize WarningBanner::sizeHint() const
{
    const int width = std::max(this->width(), 200);
    return {width, heightForWidth(width)};
}

QSize WarningBanner::minimumSizeHint() const
{
    // Room for the title and a line or two: the rest scrolls.
    return {100,
            std::min(heightForWidth(std::max(width(), 200)), 3 * fontMetrics().lineSpacing() + 12)};
}

} // namespace fallback::ui
