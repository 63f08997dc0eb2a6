#include "widgets/currentpagestack.h"

namespace fallback::ui {

QSize CurrentPageStack::sizeHint() const
{
    const QWidget* page = currentWidget();
    const QMargins margins = contentsMargins();
    return (page ? page->sizeHint() : QSize(0, 0)).grownBy(margins);
}

QSize CurrentPageStack::minimumSizeHint() const
{
    const QWidget* page = currentWidget();
    const QMargins margins = contentsMargins();
    return (page ? page->minimumSizeHint() : QSize(0, 0)).grownBy(margins);
}

} // namespace fallback::ui
